/**
 * Finding texts for the TLS protocol matrix (lib/probe/tls/tls-matrix.ts), spread into the main
 * catalogue like the policy findings; the rules are in evaluate-tls-matrix.ts.
 *
 * Thresholds and their sources:
 * - TLS 1.0 and 1.1: deprecated by RFC 8996 (BCP 195, 2021); "phase out" in the NCSC-NL TLS
 *   guidelines (ICT-beveiligingsrichtlijnen voor TLS, v2.1, 2021); BSI TR-03108-1 (secure e-mail
 *   transport) requires TLS 1.2 or newer between mail servers. A warning: on port 25 any TLS beats
 *   plaintext, and a server that also offers 1.2+ gives modern senders nothing worse.
 * - No TLS 1.2 or 1.3 at all: critical. Senders on OpenSSL 3 at its default security level, and
 *   every one following RFC 8996, cannot negotiate TLS with it: mail goes in clear or not at all.
 * - Static RSA key exchange (no forward secrecy): "phase out" in NCSC-NL v2.1; BSI TR-03108-1
 *   allows only suites with forward secrecy. Info: a sender offering forward-secret suites still
 *   gets one (the handshake protects the choice), so only senders that offer nothing else lose it.
 * - RC4 (RFC 7465 forbids it) and NULL encryption (RFC 9325 §4.1 / BCP 195: MUST NOT) are
 *   "insufficient" in NCSC-NL v2.1: critical. 3DES (Sweet32, CVE-2016-2183) is "phase out": a
 *   warning. Anonymous key exchange is "insufficient" for NCSC-NL too, but between MTAs
 *   opportunistic TLS authenticates nobody anyway (RFC 7435) and Postfix's default server list
 *   keeps aNULL suites on purpose; only clients that do not verify certificates offer them: a
 *   warning.
 */
import type { FindingDefinition } from './catalogue';

export const TLS_MATRIX_FINDINGS = {
  'tls.legacy-version-accepted': {
    severity: 'warning',
    title: 'Still accepts TLS 1.0 or 1.1',
    explanation:
      'Port {port} negotiated {negotiated} with mxray, but in separate handshakes it also accepted {versions}. These versions are deprecated (RFC 8996); the NCSC-NL TLS guidelines list them as "phase out" and BSI TR-03108 requires TLS 1.2 or newer for mail transport.',
    fix: 'Turn off TLS 1.0 and 1.1 (Postfix: smtpd_tls_protocols = >=TLSv1.2 and smtpd_tls_mandatory_protocols = >=TLSv1.2; Exim: openssl_options = +no_tlsv1 +no_tlsv1_1).',
  },
  'tls.no-modern-version': {
    severity: 'critical',
    title: 'No TLS 1.2 or 1.3',
    explanation:
      'Port {port} refused both TLS 1.2 and TLS 1.3 and accepts only {versions}. Senders that follow RFC 8996, or use OpenSSL 3 at its default security level, cannot negotiate TLS with it: they deliver in clear or not at all.',
    fix: 'Upgrade the TLS library or configuration so that TLS 1.2 and 1.3 are offered (Postfix: smtpd_tls_protocols = >=TLSv1.2 with an OpenSSL of version 1.1.1 or later).',
  },
  'tls.no-forward-secrecy': {
    severity: 'info',
    title: 'Accepts cipher suites without forward secrecy',
    explanation:
      'Port {port} accepted {cipher}, a suite with static RSA key exchange: whoever obtains the server’s private key later can decrypt recorded sessions that used it. Senders that offer forward-secret suites still get one; the NCSC-NL TLS guidelines list RSA key exchange as "phase out" and BSI TR-03108 allows only forward-secret suites.',
    fix: 'Offer only ECDHE (and DHE) suites (Postfix: tls_medium_cipherlist or smtpd_tls_exclude_ciphers = kRSA; Exim: tls_require_ciphers without RSA key exchange).',
  },
  'tls.broken-cipher': {
    severity: 'warning',
    title: 'Accepts broken cipher suites',
    explanation:
      'Port {port} accepted {families} suites ({cipher}). RC4 is forbidden (RFC 7465), NULL suites encrypt nothing and anonymous ones authenticate nobody (RFC 9325 §4.1), and 3DES falls to Sweet32; the NCSC-NL TLS guidelines rate them "insufficient" or "phase out". (Postfix accepts anonymous suites by default, for opportunistic TLS; only clients that skip certificate checks offer them.)',
    fix: 'Exclude them from the server’s cipher list (Postfix: smtpd_tls_exclude_ciphers = aNULL, eNULL, RC4, 3DES; Exim: tls_require_ciphers = DEFAULT:!aNULL:!eNULL:!RC4:!3DES).',
  },
  'tls.matrix-incomplete': {
    severity: 'info',
    untested: true,
    title: 'Not every TLS version or suite could be tested',
    explanation:
      'On port {port}, mxray could not finish the handshakes for {what} ({reason}). The rest of the matrix stands; these entries say nothing about the server.',
    fix: 'Try again later; a server that limits connections per client may refuse the extra handshakes.',
  },
} as const satisfies Record<string, FindingDefinition>;
