/**
 * Finding rules for what a port requires before a mail transaction: `MAIL FROM:<>` sent in clear
 * on submission ports (and port 25 in host mode). Pure, text-free like evaluate.ts.
 */
import type { DnsResult, Finding, PortProbe } from '../schema';
import { FINDINGS } from './catalogue';

export function evaluateMailBeforeTls(probes: readonly PortProbe[]): Finding[] {
  const out: Finding[] = [];
  for (const p of probes) {
    const m = p.mailBeforeTls;
    if (!m) continue;
    const where = { scope: 'port' as const, host: p.host, address: p.address, port: p.port };
    const params = { port: p.port, code: m.reply.code };
    if (m.accepted) {
      // Port 25 (asked in host mode only) is also a relay port, which must accept mail in clear
      // from other MTAs (RFC 3207 §4): there it is information, on submission ports critical.
      const severity = p.port === 25 ? 'info' : FINDINGS['submission.mail-before-tls'].severity;
      out.push({ code: 'submission.mail-before-tls', severity, untested: false, ...where, params });
    } else if (m.reply.code >= 500) {
      // A 5xx (530 5.7.0 and friends) is the server saying "TLS first"; a 4xx says "not now".
      out.push({ code: 'submission.tls-required', severity: FINDINGS['submission.tls-required'].severity, untested: false, ...where, params });
    }
  }
  return out;
}

/** MX targets that are aliases: a warning naming the alias and its target (RFC 2181 §10.3). */
export function evaluateMxAliases(dns: DnsResult): Finding[] {
  return dns.hosts.flatMap((h) =>
    h.cnameTarget
      ? [{ code: 'mx.cname', severity: FINDINGS['mx.cname'].severity, untested: false, scope: 'host' as const, host: h.name, params: { host: h.name, target: h.cnameTarget } }]
      : [],
  );
}
