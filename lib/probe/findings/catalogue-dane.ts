/**
 * Finding texts for DNSSEC and DANE (RFC 4033-4035, RFC 6698, RFC 7671, RFC 7672), kept beside the
 * main catalogue and spread into it, so the rules in evaluate-dane.ts stay text-free.
 */
import type { FindingDefinition } from './catalogue';

export const DANE_FINDINGS = {
  // --- DNSSEC ----------------------------------------------------------------------------------
  'dnssec.mx-secure': {
    severity: 'ok',
    title: 'MX records signed and validated',
    explanation: 'The resolver validated the MX answer of {domain} with DNSSEC (AD bit): senders that validate know it is genuine.',
    fix: 'Nothing to do.',
  },
  'dnssec.mx-insecure': {
    severity: 'info',
    title: 'MX records not signed',
    explanation:
      'The MX answer of {domain} is not DNSSEC-signed: an attacker who can forge DNS answers can send the domain’s mail elsewhere. DANE still applies to MX hosts in signed zones (RFC 7672 §2.2.1).',
    fix: 'Sign the zone of {domain} with DNSSEC and publish its DS record at the parent.',
  },
  'dnssec.bogus': {
    severity: 'critical',
    title: 'DNSSEC validation fails',
    explanation:
      'The {type} answer for {name} fails DNSSEC validation (bogus): validating resolvers answer SERVFAIL, so their users cannot deliver mail. The name exists (it answers with validation disabled): its signatures, keys or DS record are wrong.',
    fix: 'Re-sign the zone (expired or missing RRSIGs), or fix the DS record at the parent so it matches a DNSKEY; check with a DNSSEC analyser.',
  },
  'dnssec.lookup-failed': {
    severity: 'info',
    untested: true,
    title: 'The DNSSEC status could not be determined',
    explanation: 'The {type} question for {name} with the DNSSEC OK bit did not get a usable answer ({reason}), so DNSSEC and DANE could not be checked.',
    fix: 'Try again; if it persists, check that the configured resolver answers over UDP and TCP.',
  },
  'dnssec.resolver-not-validating': {
    severity: 'info',
    untested: true,
    title: 'No DNSSEC validation seen',
    explanation:
      'No answer carried the AD bit: either neither the domain nor its MX hosts are signed, or the resolver mxray uses does not validate DNSSEC. DNSSEC and DANE results are only meaningful with a validating resolver.',
    fix: 'If the zones are signed, point mxray’s DNS_SERVERS at a validating resolver (such as the unbound of the Docker set-up).',
  },
  // --- DANE for SMTP (RFC 7672) ----------------------------------------------------------------
  'dane.absent': {
    severity: 'info',
    title: 'No DANE TLSA records',
    explanation:
      'No MX host of {domain} publishes TLSA records at _25._tcp.(MX host), so senders that use DANE deliver with opportunistic TLS, like everyone else (RFC 7672).',
    fix: 'With DNSSEC-signed MX host zones, publish "3 1 1 (SHA-256 of the public key)" TLSA records at _25._tcp.(MX host) (and a second one before each key change).',
  },
  'dane.tlsa-bogus': {
    severity: 'critical',
    title: 'The TLSA records fail DNSSEC validation',
    explanation:
      'The TLSA answer for _25._tcp.{host} is bogus: DANE senders treat that as an attack and defer mail to {host} (RFC 7672 §2.2).',
    fix: 'Re-sign the zone holding _25._tcp.{host} or fix its DS record, then check the TLSA answer validates.',
  },
  'dane.tlsa-not-validated': {
    severity: 'warning',
    title: 'TLSA records present but not validated',
    explanation:
      '_25._tcp.{host} has {count} TLSA records, but the answer is not DNSSEC-validated: senders ignore unsigned TLSA records, so they are unusable for DANE (RFC 7672 §2.2).',
    fix: 'Sign the zone holding _25._tcp.{host} with DNSSEC (with a DS at the parent), or remove the TLSA records.',
  },
  'dane.pkix-usage': {
    severity: 'warning',
    title: 'TLSA records with PKIX usages',
    explanation:
      'TLSA records of {host} use PKIX-TA (0) or PKIX-EE (1) ({records}); SMTP senders treat these as unusable (RFC 7672 §3.1.3).',
    fix: 'Publish DANE-EE (3 1 1) or DANE-TA (2 1 1) records instead.',
  },
  'dane.no-usable-records': {
    severity: 'warning',
    title: 'No usable TLSA record',
    explanation:
      'The validated TLSA records of {host} hold no usable record (usage 2 or 3, selector 0 or 1, matching type 0 to 2): DANE senders insist on TLS but cannot authenticate the server (RFC 7672 §2.2).',
    fix: 'Publish a "3 1 1 (SHA-256 of the public key)" record for the certificate the server presents on port 25.',
  },
  'dane.addresses-insecure': {
    severity: 'warning',
    title: 'TLSA records, but the MX host’s addresses are not signed',
    explanation:
      'The {types} answer of {host} is not DNSSEC-validated: DANE senders look up TLSA records only for hosts whose addresses are secure (RFC 7672 §2.2.2), so its TLSA records are not used.',
    fix: 'Sign the zone holding the address records of {host}.',
  },
  'dane.rollover-ready': {
    severity: 'info',
    title: 'Ready for a key or certificate rollover',
    explanation: '{host} publishes {count} usable TLSA records, so the next key or CA can be published before the switch (RFC 7671 §8.1).',
    fix: 'Nothing to do; keep publishing the next record before each change.',
  },
  'dane.single-record': {
    severity: 'info',
    title: 'One TLSA record: no rollover prepared',
    explanation:
      '{host} publishes a single usable TLSA record: when the key or certificate changes, DANE senders will refuse delivery until the new record is published and caches expire.',
    fix: 'Publish a record for the next key beside the current one (or a DANE-TA 2 1 1 record for the issuing CA) before each change (RFC 7671 §8.1).',
  },
  'dane.match': {
    severity: 'ok',
    title: 'DANE matches',
    explanation: 'The certificate chain {address} presents on port 25 matches the TLSA records of {host} ({usage}).',
    fix: 'Nothing to do.',
  },
  'dane.mismatch': {
    severity: 'critical',
    title: 'DANE mismatch: DANE senders will not deliver',
    explanation:
      '{address} ({host}) presents a certificate chain on port 25 that the validated TLSA records do not authenticate ({reason}); senders that use DANE defer all mail to it (RFC 7672 §2.2).',
    fix: 'Publish a TLSA record for the certificate the server really presents (e.g. "3 1 1 (SHA-256 of its public key)"), or serve the certificate the records describe.',
  },
  'dane.no-tls': {
    severity: 'critical',
    title: 'DANE published, but no TLS on port 25',
    explanation: '{host} has validated TLSA records, but {address} does not complete STARTTLS on port 25: DANE senders will not deliver to it (RFC 7672 §2.2).',
    fix: 'Offer STARTTLS on port 25 with the certificate the TLSA records describe.',
  },
  'dane.untested': {
    severity: 'info',
    untested: true,
    title: 'DANE could not be tested',
    explanation: 'Port 25 of {address} ({host}) could not be tested, so its certificate could not be matched against the TLSA records.',
    fix: 'Try again later.',
  },
  'dane.ee-waives-pkix': {
    severity: 'info',
    title: 'DANE-EE: the certificate’s names and dates do not matter to DANE senders',
    explanation:
      'A DANE-EE record of {host} matches the certificate on port 25, so DANE senders ignore its expiry, names and issuer (RFC 7672 §3.1.1); the certificate findings of this port are kept as information. Senders that verify certificates another way (MTA-STS) still apply them.',
    fix: 'Nothing to do for DANE; renew the certificate anyway if MTA-STS or other verifying senders matter.',
  },
} as const satisfies Record<string, FindingDefinition>;
