/**
 * Finding codes are stable ids; the human text lives here, beside them, so it can be translated
 * and reworded without touching the rules. `{name}` placeholders take the finding's params.
 */
import type { Severity } from '../schema';
import { POLICY_FINDINGS } from './catalogue-policy';
import { DANE_FINDINGS } from './catalogue-dane';
import { TLS_MATRIX_FINDINGS } from './catalogue-tls-matrix';

export interface FindingDefinition {
  /** default severity; rules may raise it for submission ports where credentials are at stake */
  severity: Severity;
  /** "could not test" rather than "fails" */
  untested?: boolean;
  title: string;
  explanation: string;
  fix: string;
}

export const FINDINGS = {
  // --- DNS and the domain -------------------------------------------------------------------
  'dns.nxdomain': {
    severity: 'critical',
    title: 'The domain does not exist',
    explanation: 'DNS answered NXDOMAIN: no such name exists, so nobody can send mail to it.',
    fix: 'Check the spelling, or register the domain and publish its DNS zone.',
  },
  'dns.servfail': {
    severity: 'critical',
    title: 'DNS lookups for the domain fail',
    explanation:
      'The resolver answered SERVFAIL: the domain’s name servers are broken, lame or fail DNSSEC validation, so senders cannot find where to deliver.',
    fix: 'Check the delegation and the DNSSEC signatures of the zone (e.g. with dig +trace and a DNSSEC analyser).',
  },
  'dns.timeout': {
    severity: 'info',
    untested: true,
    title: 'DNS did not answer in time',
    explanation: 'The MX lookup timed out, so nothing could be tested. This may be temporary.',
    fix: 'Try again; if it persists, check that the domain’s name servers answer over UDP and TCP.',
  },
  'dns.error': {
    severity: 'info',
    untested: true,
    title: 'DNS lookup failed',
    explanation: 'The MX lookup failed with {errorCode}, so nothing could be tested.',
    fix: 'Try again; if it persists, check the zone with dig.',
  },
  'mx.null': {
    severity: 'info',
    title: 'This domain accepts no mail (null MX)',
    explanation:
      'The domain publishes a null MX ("MX 0 ."), which says on purpose that it receives no email (RFC 7505). Nothing was probed.',
    fix: 'Nothing to fix if the domain is not meant to receive mail; otherwise replace the null MX with real MX records.',
  },
  'mx.implicit': {
    severity: 'warning',
    title: 'No MX records: mail goes to the domain’s own address',
    explanation:
      'Without MX records, senders fall back to the domain’s A/AAAA records (implicit MX, RFC 5321 §5.1). It works, but is rarely intended.',
    fix: 'Publish explicit MX records for the servers that should receive mail, or a null MX if the domain receives none.',
  },
  'mx.none': {
    severity: 'critical',
    title: 'The domain cannot receive mail',
    explanation: 'There are no MX records and the domain itself has no address, so there is nowhere to deliver.',
    fix: 'Publish MX records pointing at your mail servers.',
  },
  'mx.no-address': {
    severity: 'critical',
    title: 'MX host has no address',
    explanation: 'The MX host {host} has neither an A nor an AAAA record, so senders cannot connect to it.',
    fix: 'Publish A and/or AAAA records for {host}, or remove it from the MX set.',
  },
  'mx.address-lookup-failed': {
    severity: 'info',
    untested: true,
    title: 'Addresses of the mail host could not be looked up',
    explanation: 'The A/AAAA lookups for {host} timed out or failed, so it is unknown where it lives and it was not tested.',
    fix: 'Try again; if it persists, check that the name servers of {host} answer.',
  },
  'mx.all-unreachable': {
    severity: 'critical',
    title: 'No mail server of the domain is reachable',
    explanation: 'No MX address accepted an SMTP session on port 25, so mail to this domain cannot be delivered.',
    fix: 'Make sure the MX hosts run an SMTP server on port 25 and that no firewall refuses connections.',
  },
  'mx.untested': {
    severity: 'info',
    untested: true,
    title: 'The mail servers could not be tested',
    explanation:
      'No MX address could be tested on port 25 (timeouts, temporary refusals or addresses we may not probe). This is not a verdict on the servers.',
    fix: 'Try again later; if port 25 timeouts persist, check whether a firewall drops connections.',
  },
  'address.blocked-target': {
    severity: 'warning',
    untested: true,
    title: 'MX points to a non-public address',
    explanation:
      'An address of this MX host is a non-public address ({range} range), which public mail servers do not use, so mxray did not connect to it. Senders on the internet cannot reach it either.',
    fix: 'Point the DNS record at the server’s public address.',
  },
  'ptr.missing': {
    severity: 'warning',
    title: 'No reverse DNS (PTR)',
    explanation:
      '{address} has no PTR record. Many receivers distrust mail from addresses without reverse DNS, which matters when this host also sends.',
    fix: 'Ask the owner of the address block (your hosting provider) to set a PTR record to the host’s name.',
  },
  'ptr.not-forward-confirmed': {
    severity: 'warning',
    title: 'Reverse DNS does not match',
    explanation: 'The PTR of {address} ({ptr}) does not resolve back to {address} (no forward-confirmed reverse DNS).',
    fix: 'Make the PTR name’s A/AAAA record point back to this address, or change the PTR to a name that does.',
  },

  'check.truncated': {
    severity: 'info',
    untested: true,
    title: 'Not every address was probed',
    explanation:
      '{skipped} host(s) or address(es) were not probed: mxray tests at most {maxHosts} MX hosts and {maxAddresses} addresses per host in one check.',
    fix: 'Nothing to fix; run mxray yourself with higher limits to test every address.',
  },

  'dns.question-limit': {
    severity: 'info',
    untested: true,
    title: 'The DNS question budget ran out',
    explanation:
      'The domain’s records asked for more than {max} DNS questions (MX, addresses, reverse names); mxray stopped after {asked} and left {refused} unasked, so some hosts or addresses were not fully looked up.',
    fix: 'Publish fewer MX hosts and addresses per host; senders give up on sprawling MX sets too.',
  },

  'check.storage-truncated': {
    severity: 'info',
    title: 'Part of what the servers sent was not kept',
    explanation:
      'The servers sent more than mxray keeps for one check ({maxBytes} bytes): long transcripts, replies, capability lists or certificate PEMs were shortened. Every verdict was made on the full data.',
    fix: 'Nothing to fix on our side; very long greetings or EHLO replies are unusual and worth trimming.',
  },

  // --- Connecting and talking SMTP ------------------------------------------------------------
  'port25.unreachable': {
    severity: 'critical',
    title: 'MX refuses connections on port 25',
    explanation: 'The MX address {address} did not accept a connection on port 25 ({reason}): other servers cannot deliver mail to it.',
    fix: 'Start the SMTP service on port 25 and open it in the firewall, or remove this address from the MX set.',
  },
  'port.timeout': {
    severity: 'info',
    untested: true,
    title: 'Connection timed out',
    explanation:
      'No answer on port {port} within the time limit. A firewall may drop the connection, on their side or on ours, so this is "could not test", not "fails".',
    fix: 'If the port should be open, check the firewall; otherwise nothing to do.',
  },
  'port.no-route': {
    severity: 'info',
    untested: true,
    title: 'No route from mxray to this address',
    explanation:
      'mxray could not reach {address} on port {port} ({code}): its own network has no route there (often: the tester has no IPv6). This is "could not test", not a verdict on the server.',
    fix: 'Nothing to fix if other networks reach it; test again from a machine with a route to {address}.',
  },
  'port.busy': {
    severity: 'info',
    untested: true,
    title: 'Server busy: could not test',
    explanation: 'The server answered {code} ({text}) and closed: a temporary refusal (busy, greylisting or rate limit).',
    fix: 'Try again later. If it always happens, check the server’s connection limits and anti-abuse settings.',
  },
  'port.greeting-rejected': {
    severity: 'warning',
    title: 'The server refuses SMTP sessions',
    explanation: 'The greeting was {code} ({text}): the server rejects every client on this port.',
    fix: 'If this port should serve mail, check the server’s access rules.',
  },
  'port.command-rejected': {
    severity: 'warning',
    title: 'EHLO and HELO refused',
    explanation: 'The server rejected both EHLO and HELO, so no SMTP session is possible.',
    fix: 'Check the server’s HELO restrictions; a server must accept a valid EHLO.',
  },
  'port.not-smtp': {
    severity: 'warning',
    title: 'Something other than SMTP answers',
    explanation: 'The service on port {port} does not speak SMTP (it looks like {protocol}).',
    fix: 'Run the mail server on this port, or close the port.',
  },
  'port.reply-too-large': {
    severity: 'warning',
    title: 'The server floods its replies',
    explanation: 'A reply exceeded {limit}; mxray stopped reading to protect itself. Real clients may hang or fail too.',
    fix: 'Check the server: replies should be short lines of at most 512 bytes (RFC 5321 §4.5.3.1).',
  },
  'port.protocol-error': {
    severity: 'warning',
    title: 'Malformed SMTP replies',
    explanation: 'The server sent replies that do not follow RFC 5321 ({detail}).',
    fix: 'Check the server software or any proxy in front of it.',
  },
  'port.stalled': {
    severity: 'warning',
    title: 'The server stopped answering mid-session',
    explanation:
      'Port {port} answered, then sent nothing more during {phase} until the time limit: senders and mail clients hang there and give up.',
    fix: 'Check the server (and any firewall or proxy in front of it) for what blocks this stage; a stalled TLS handshake often means a middlebox interfering with STARTTLS.',
  },
  'port.connection-reset': {
    severity: 'warning',
    title: 'Connection dropped mid-session',
    explanation: 'The server closed or reset the connection during {phase}.',
    fix: 'Check the server’s logs for why it drops sessions at this stage.',
  },
  'greeting.slow': {
    severity: 'info',
    title: 'Slow greeting',
    explanation:
      'The greeting took {seconds} s. Anti-spam front ends (postscreen) pause on purpose; senders wait up to 5 minutes (RFC 5321 §4.5.3.2), but impatient clients may give up.',
    fix: 'Nothing to do if the pause is deliberate; otherwise check the server’s load and DNS lookups at connect.',
  },

  // --- Encryption -----------------------------------------------------------------------------
  'port25.no-starttls': {
    severity: 'critical',
    title: 'No STARTTLS on port 25',
    explanation: 'The MX does not offer STARTTLS, so mail from other servers reaches it unencrypted.',
    fix: 'Enable STARTTLS with a valid certificate (e.g. Postfix smtpd_tls_security_level = may).',
  },
  'submission.no-starttls': {
    severity: 'critical',
    title: 'Submission port without STARTTLS',
    explanation: 'Port {port} accepts SMTP but offers no STARTTLS: passwords and messages would travel in clear (RFC 6409, RFC 8314).',
    fix: 'Enable STARTTLS and require it before AUTH (e.g. Postfix smtpd_tls_security_level = encrypt on submission).',
  },
  'auth.before-tls': {
    severity: 'critical',
    title: 'Credentials could travel in clear',
    explanation: 'Port {port} offers AUTH ({mechanisms}) before TLS: a client may send its password unencrypted.',
    fix: 'Offer AUTH only after STARTTLS (e.g. Postfix smtpd_tls_auth_only = yes).',
  },
  'port465.not-implicit-tls': {
    severity: 'critical',
    title: 'Port 465 does not speak implicit TLS',
    explanation: 'Port 465 answers with a plaintext SMTP greeting instead of a TLS handshake; clients configured for SMTPS (RFC 8314) fail.',
    fix: 'Configure port 465 for implicit TLS (e.g. Postfix smtps with smtpd_tls_wrappermode = yes).',
  },
  'port.tls-on-plain-port': {
    severity: 'warning',
    title: 'TLS from the first byte on a STARTTLS port',
    explanation: 'Port {port} expects a TLS handshake immediately; clients that speak SMTP first and then STARTTLS cannot connect.',
    fix: 'Serve plaintext SMTP with STARTTLS on port {port}, and implicit TLS on port 465 only.',
  },
  'starttls.rejected': {
    severity: 'critical',
    title: 'STARTTLS advertised but refused',
    explanation: 'The server offers STARTTLS but answered {code} ({text}) to it, so the session stays unencrypted.',
    fix: 'Check the server’s TLS certificate and key configuration; a 454 usually means TLS is not available.',
  },
  'tls.handshake-failed': {
    severity: 'critical',
    title: 'TLS handshake failed',
    explanation: 'The TLS handshake on port {port} failed ({reason}).',
    fix: 'Check the server’s certificate, key and TLS settings.',
  },
  'tls.deprecated-version': {
    severity: 'warning',
    title: 'Obsolete TLS version',
    explanation: 'Port {port} negotiated {version}. TLS 1.0 and 1.1 are deprecated (RFC 8996).',
    fix: 'Enable TLS 1.2 and 1.3 on the server (e.g. Postfix smtpd_tls_protocols = >=TLSv1.2).',
  },
  'tls.ok': {
    severity: 'ok',
    title: 'Encrypted with a valid certificate',
    explanation: 'Port {port} negotiated {version} with a trusted certificate for {host}.',
    fix: 'Nothing to do.',
  },

  // --- Certificates ---------------------------------------------------------------------------
  'cert.expired': {
    severity: 'critical',
    title: 'Certificate expired',
    explanation: 'The certificate of {host} expired on {notAfter} ({days} days ago).',
    fix: 'Renew the certificate and reload the mail server.',
  },
  'cert.not-yet-valid': {
    severity: 'critical',
    title: 'Certificate not yet valid',
    explanation: 'The certificate of {host} is only valid from {notBefore}.',
    fix: 'Check the server’s clock and the certificate’s dates.',
  },
  'cert.expiring-soon': {
    severity: 'warning',
    title: 'Certificate expires soon',
    explanation: 'The certificate of {host} expires in {days} days ({notAfter}).',
    fix: 'Renew it now, and automate renewal (ACME) with a reload of the mail server.',
  },
  'cert.untrusted': {
    severity: 'warning',
    title: 'Certificate not trusted',
    explanation: 'The certificate chain of {host} is not trusted: {reason}. Clients that verify certificates will refuse it.',
    fix: 'Use a certificate from a public CA and send the full chain (leaf and intermediates).',
  },
  'cert.hostname-mismatch': {
    severity: 'warning',
    title: 'Certificate does not match the host name',
    explanation: 'The certificate is not valid for {host} (it names {names}).',
    fix: 'Get a certificate whose subjectAltName includes {host}.',
  },
  'cert.weak-key': {
    severity: 'critical',
    title: 'Weak certificate key',
    explanation: 'The certificate uses an RSA key of {bits} bits; at least 2048 are required (NIST SP 800-57, BSI TR-02102-2).',
    fix: 'Issue a new certificate with an RSA 2048+ or ECDSA P-256 key.',
  },

  // --- Submission -----------------------------------------------------------------------------
  'submission.no-auth': {
    severity: 'info',
    title: 'Submission port without AUTH',
    explanation: 'Port {port} does not offer AUTH even after TLS, so mail clients cannot log in here.',
    fix: 'If this host is your submission server, enable SASL authentication on port {port}.',
  },
  'submission.unavailable': {
    severity: 'warning',
    title: 'No submission port answers',
    explanation: 'None of ports 465, 587 and 2525 accepted a session on this server, so mail clients and applications cannot send through it.',
    fix: 'Open port 587 (STARTTLS) and/or 465 (implicit TLS) for authenticated submission.',
  },

  // --- Open relay (port 25, once per MX address; MAIL FROM / RCPT TO / RSET, never DATA) -------
  // --- several vantages (scaled mode): the same port seen from different networks ---------------
  'vantage.unreachable-from': {
    severity: 'warning',
    title: 'Port {port} answers from {answeredFrom} but not from {failedFrom}',
    explanation:
      'From {answeredFrom} the server on {address} answered on port {port}; from {failedFrom} the connection failed. The server works: something on the path filters one network (a firewall rule, a blocklist of source addresses, or a provider blocking port 25), so senders there cannot reach you either.',
    fix: 'If senders in that network must reach you, look for filtering by source address: firewall or security-group rules, fail2ban or postscreen blocklists, and your hosting provider’s port 25 policy.',
  },
  'vantage.answer-differs': {
    severity: 'warning',
    title: 'Port {port} answers differently from {vantages}',
    explanation:
      'The server on {address} answered on port {port} from every vantage, but not the same way (encryption offered from one, not from another). A device on one path rewrites the conversation, such as a firewall that strips STARTTLS, or the servers behind the address differ.',
    fix: 'Compare the transcripts side by side; disable SMTP inspection (“fixup”) on firewalls in front of the server and make every server behind the address run the same configuration.',
  },
  'relay.open': {
    severity: 'critical',
    title: 'Open relay: the server accepts mail for anyone',
    explanation:
      '{address} accepted RCPT TO:<{recipient}> from an unauthenticated client for a domain it does not serve: anyone can send spam through it, and open relays are blocklisted within hours. mxray stopped at RCPT TO and never sent DATA.',
    fix: 'Relay only for authenticated clients and your own networks: Postfix smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination (and a narrow mynetworks); Exim: accept only hosts = +relay_from_hosts or authenticated = * for foreign domains in acl_check_rcpt.',
  },
  'relay.open-bypass': {
    severity: 'critical',
    title: 'Open relay through an address trick ({form})',
    explanation:
      '{address} refused the plain foreign recipient but accepted RCPT TO:<{recipient}> ({form}), an old form that some servers rewrite and forward to the foreign domain. Spammers try these forms too. (A catch-all mailbox can also accept such an address without relaying: check where it would go.) mxray stopped at RCPT TO and never sent DATA.',
    fix: 'Refuse these address forms: Postfix allow_percent_hack = no, swap_bangpath = no, allow_untrusted_routing = no with reject_unauth_destination; Exim: keep percent_hack_domains empty and accept foreign recipients only for hosts = +relay_from_hosts or authenticated clients.',
  },
  'relay.closed': {
    severity: 'ok',
    title: 'Not an open relay',
    explanation: '{address} refused to relay to a foreign domain, in the plain form and in the percent-hack, bang-path and quoted forms.',
    fix: 'Nothing to do.',
  },
  'relay.untested': {
    severity: 'info',
    untested: true,
    title: 'Open relay test inconclusive',
    explanation:
      'mxray could not tell whether {address} relays ({reason}{reply}). A temporary refusal such as greylisting, a refused MAIL FROM or a timeout is not a verdict.',
    fix: 'Try again later; greylisting servers usually accept a retry after a few minutes.',
  },
  'relay.not-tested': {
    severity: 'info',
    untested: true,
    title: 'Open relay not tested (single server)',
    explanation:
      '{address} was checked as a single server, not as an MX of a domain, so the relay test was not run.',
    fix: 'Check the domain instead, or ask for the test on this server (CLI --relay-test, API "relayTest": true).',
  },
  // Transport-security policy (MTA-STS, TLS-RPT, …): texts in catalogue-policy.ts.
  ...POLICY_FINDINGS,
  // DNSSEC and DANE: texts in catalogue-dane.ts.
  ...DANE_FINDINGS,
  // The TLS protocol matrix (versions and weak suites per port): texts in catalogue-tls-matrix.ts.
  ...TLS_MATRIX_FINDINGS,
} as const satisfies Record<string, FindingDefinition>;

export type FindingCode = keyof typeof FINDINGS;

/** Reasons behind the port recommendation (summary.recommendation.*.reason). */
export const RECOMMENDATIONS = {
  'rec.client.465': 'Use port 465 with implicit TLS: encrypted from the first byte, no downgrade possible (RFC 8314).',
  'rec.client.587': 'Use port 587 with STARTTLS and make your client require it (port 465 is not available here).',
  'rec.client.2525': 'Use port 2525 with STARTTLS, required by your client: 465 and 587 are not available here.',
  'rec.app.587': 'Use port 587 with STARTTLS required: the most widely supported submission port (RFC 6409).',
  'rec.app.465': 'Use port 465 with implicit TLS (port 587 is not available here).',
  'rec.app.2525': 'Use port 2525 with STARTTLS required: the usual fallback when 587 is blocked.',
  'rec.none': 'None of the submission ports (465, 587, 2525) offered encrypted SMTP here.',
  'rec.none-mx':
    'These MX hosts do not offer encrypted submission. Your provider’s submission server is often another host: test it with “one server” mode.',
  'rec.none-trusted':
    'A submission port answers, but its certificate fails verification, so mail clients will refuse it: fix the certificate first.',
  'rec.none-untested': 'The submission ports could not be tested, so there is no recommendation.',
} as const;

export type RecommendationCode = keyof typeof RECOMMENDATIONS;

function fill(template: string, params: Record<string, string | number | boolean> | undefined): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => (params && k in params ? String(params[k]) : m));
}

/** Human text of a finding with its params filled in. */
export function findingText(
  code: FindingCode,
  params?: Record<string, string | number | boolean>,
): { title: string; explanation: string; fix: string } {
  const def: FindingDefinition = FINDINGS[code];
  return { title: fill(def.title, params), explanation: fill(def.explanation, params), fix: fill(def.fix, params) };
}

export function recommendationText(code: RecommendationCode): string {
  return RECOMMENDATIONS[code];
}

/** The closed vocabularies the result schema (lib/probe/schema.ts) declares as enums. */
export const FINDING_CODES = Object.keys(FINDINGS) as [FindingCode, ...FindingCode[]];
export const RECOMMENDATION_CODES = Object.keys(RECOMMENDATIONS) as [RecommendationCode, ...RecommendationCode[]];
