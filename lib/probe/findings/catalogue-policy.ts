/**
 * Finding texts for the domain's transport-security policy (MTA-STS, TLS-RPT), kept beside the
 * main catalogue and spread into it, so the rules in evaluate-policy.ts stay text-free.
 */
import type { FindingDefinition } from './catalogue';

export const POLICY_FINDINGS = {
  // --- MTA-STS (RFC 8461) -------------------------------------------------------------------------
  'mta-sts.absent': {
    severity: 'info',
    title: 'No MTA-STS policy',
    explanation:
      'The domain publishes no _mta-sts TXT record, so senders deliver with opportunistic TLS: an attacker on the path can strip STARTTLS or present any certificate (RFC 8461 §1).',
    fix: 'Publish an MTA-STS policy at https://mta-sts.{domain}/.well-known/mta-sts.txt and a TXT record "v=STSv1; id=…" at _mta-sts.{domain}; start in testing mode with TLS-RPT.',
  },
  'mta-sts.lookup-failed': {
    severity: 'info',
    untested: true,
    title: 'The MTA-STS record could not be looked up',
    explanation: 'The TXT lookup of _mta-sts.{domain} ended with {status}, so MTA-STS could not be checked.',
    fix: 'Try again; if it persists, check that the name servers of {domain} answer TXT questions.',
  },
  'mta-sts.record-multiple': {
    severity: 'warning',
    title: 'Several MTA-STS records',
    explanation: '_mta-sts.{domain} has {count} records starting with v=STSv1; senders then act as if there were no policy (RFC 8461 §3.1).',
    fix: 'Keep exactly one "v=STSv1; id=…" TXT record at _mta-sts.{domain}.',
  },
  'mta-sts.record-invalid': {
    severity: 'warning',
    title: 'Malformed MTA-STS record',
    explanation: 'The _mta-sts.{domain} record is not valid ({detail}); senders ignore it and so the policy (RFC 8461 §3.1).',
    fix: 'Publish "v=STSv1; id=<1 to 32 letters and digits>;" and change the id whenever the policy changes.',
  },
  'mta-sts.fetch-failed': {
    severity: 'warning',
    title: 'The MTA-STS policy could not be fetched',
    explanation: 'Fetching {url} failed ({reason}); senders without a cached copy have no policy to apply.',
    fix: 'Serve the policy over HTTPS at {url} with a 200 answer.',
  },
  'mta-sts.fetch-untested': {
    severity: 'info',
    untested: true,
    title: 'The MTA-STS policy could not be fetched from here',
    explanation: 'Fetching {url} did not complete ({reason}); this says nothing about the policy server.',
    fix: 'Try again later.',
  },
  'mta-sts.policy-redirect': {
    severity: 'warning',
    title: 'The MTA-STS policy URL redirects',
    explanation: '{url} answered {status} with a redirect{location}; senders must not follow redirects (RFC 8461 §3.3), so they get no policy.',
    fix: 'Serve the policy directly at {url}, without a redirect (also not from http to https or to another path).',
  },
  'mta-sts.policy-oversize': {
    severity: 'warning',
    title: 'The MTA-STS policy is too large',
    explanation: 'The policy body passed the 64 KiB that senders read (RFC 8461 §3.3); they will discard it.',
    fix: 'Serve a short policy file: a version, mode, max_age and a few mx lines.',
  },
  'mta-sts.policy-cert-untrusted': {
    severity: 'warning',
    title: 'The MTA-STS policy server’s certificate is not trusted',
    explanation: 'The HTTPS certificate of mta-sts.{domain} does not verify ({reason}); senders refuse to use the policy (RFC 8461 §3.3).',
    fix: 'Serve mta-sts.{domain} with a certificate from a public CA and the full chain.',
  },
  'mta-sts.policy-cert-name-mismatch': {
    severity: 'warning',
    title: 'The MTA-STS policy server’s certificate has the wrong name',
    explanation: 'The certificate served for mta-sts.{domain} names {names}; senders refuse a policy from a host it does not cover (RFC 8461 §3.3).',
    fix: 'Add mta-sts.{domain} to the certificate’s subjectAltName.',
  },
  'mta-sts.policy-content-type': {
    severity: 'warning',
    title: 'The MTA-STS policy is not served as text/plain',
    explanation: 'The policy came with Content-Type "{contentType}"; RFC 8461 §3.2 specifies text/plain and strict senders reject anything else.',
    fix: 'Configure the web server to send Content-Type: text/plain for /.well-known/mta-sts.txt.',
  },
  'mta-sts.policy-invalid': {
    severity: 'warning',
    title: 'The MTA-STS policy is malformed',
    explanation: 'The policy does not parse per RFC 8461 §3.2: {errors}. Senders discard it.',
    fix: 'Serve "version: STSv1", "mode: enforce|testing|none", one "mx:" line per MX pattern and "max_age: <seconds>".',
  },
  'mta-sts.testing': {
    severity: 'info',
    title: 'MTA-STS is in testing mode',
    explanation: 'Senders check the policy and report failures through TLS-RPT, but still deliver when it fails.',
    fix: 'Once TLS-RPT reports show no failures, switch to "mode: enforce" (and change the record’s id).',
  },
  'mta-sts.mode-none': {
    severity: 'info',
    title: 'MTA-STS is switched off (mode none)',
    explanation: 'The policy says mode none: senders drop any policy they had cached and deliver opportunistically.',
    fix: 'Use testing or enforce mode when the MX hosts have trusted certificates.',
  },
  'mta-sts.mx-not-covered': {
    severity: 'critical',
    title: 'An MX host is not covered by the MTA-STS policy',
    explanation: 'The MX {host} matches none of the policy’s mx patterns ({patterns}); senders applying the policy will not deliver to it (RFC 8461 §4.1).',
    fix: 'Add "mx: {host}" (or a matching *.domain pattern) to the policy, and change the record’s id.',
  },
  'mta-sts.pattern-unused': {
    severity: 'info',
    title: 'An MTA-STS mx pattern matches no MX host',
    explanation: 'The pattern {pattern} matches none of the domain’s MX hosts.',
    fix: 'Remove stale patterns once no MX uses them.',
  },
  'mta-sts.enforce-mx-fails': {
    severity: 'critical',
    title: 'Senders enforcing MTA-STS will refuse this MX',
    explanation: 'The policy is in enforce mode, but {host} ({address}) on port 25: {reason}. Senders that apply the policy will not deliver to it (RFC 8461 §4.2).',
    fix: 'Offer STARTTLS on port 25 with a publicly trusted certificate valid for {host}, or switch the policy to testing until it does.',
  },
  'mta-sts.testing-mx-fails': {
    severity: 'warning',
    title: 'This MX would fail MTA-STS in enforce mode',
    explanation: 'In testing mode senders still deliver, but {host} ({address}) on port 25: {reason}; they report it through TLS-RPT.',
    fix: 'Offer STARTTLS on port 25 with a publicly trusted certificate valid for {host} before switching to enforce.',
  },
  'mta-sts.ok': {
    severity: 'ok',
    title: 'MTA-STS policy valid',
    explanation: 'The MTA-STS record and policy are valid (mode {mode}) and every MX host is covered.',
    fix: 'Nothing to do; change the record’s id whenever you change the policy.',
  },

  // --- TLS-RPT (RFC 8460) -------------------------------------------------------------------------
  'tls-rpt.missing': {
    severity: 'warning',
    title: 'No TLS-RPT record',
    explanation: 'The domain uses MTA-STS but publishes no _smtp._tls TXT record, so nobody hears when senders fail to reach it securely (RFC 8460).',
    fix: 'Publish "v=TLSRPTv1; rua=mailto:tls-reports@{domain}" at _smtp._tls.{domain}.',
  },
  'tls-rpt.multiple': {
    severity: 'warning',
    title: 'Several TLS-RPT records',
    explanation: '_smtp._tls.{domain} has {count} v=TLSRPTv1 records; senders then assume there is none (RFC 8460 §3).',
    fix: 'Keep exactly one v=TLSRPTv1 record.',
  },
  'tls-rpt.invalid': {
    severity: 'warning',
    title: 'Malformed TLS-RPT record',
    explanation: 'The _smtp._tls.{domain} record is not valid ({detail}); senders will not send reports (RFC 8460 §3).',
    fix: 'Publish "v=TLSRPTv1; rua=mailto:…" or "rua=https://…" (several URIs separated by commas).',
  },
  'tls-rpt.ok': {
    severity: 'ok',
    title: 'TLS-RPT record valid',
    explanation: 'Senders send TLS reports to {rua}.',
    fix: 'Nothing to do; read the reports.',
  },

  // --- STARTTLS required before a mail transaction ------------------------------------------------
  'submission.mail-before-tls': {
    severity: 'critical',
    title: 'A mail transaction is accepted before TLS',
    explanation:
      'Port {port} answered {code} to MAIL FROM sent in clear, before STARTTLS: a client (or an attacker stripping STARTTLS) can submit mail unencrypted. Submission must require TLS first (RFC 8314 §3.3, RFC 3207 §4).',
    fix: 'Require TLS before MAIL on port {port} (Postfix: smtpd_tls_security_level=encrypt for the submission service; Exim: an ACL denying MAIL unless encrypted), answering 530 5.7.0.',
  },
  'submission.tls-required': {
    severity: 'ok',
    title: 'TLS is required before a mail transaction',
    explanation: 'Port {port} refused MAIL FROM in clear ({code}), so mail and credentials only travel encrypted.',
    fix: 'Nothing to do.',
  },

  // --- MX shape -----------------------------------------------------------------------------------
  'mx.cname': {
    severity: 'warning',
    title: 'An MX target is an alias (CNAME)',
    explanation:
      'The MX record names {host}, which is a CNAME for {target}. RFC 2181 §10.3 forbids aliases as MX targets; most senders follow them (RFC 5321 §5.1), but some refuse, and MTA-STS and DANE match the MX name, not the target. mxray probed it as {host}.',
    fix: 'Point the MX record at {target} (the canonical name) directly, and make sure its certificate covers the name used in the MX.',
  },
} as const satisfies Record<string, FindingDefinition>;
