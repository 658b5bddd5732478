/**
 * Finding rules for what a port requires before a mail transaction: `MAIL FROM:<>` sent in clear
 * on submission ports (and port 25 in host mode). Pure, text-free like evaluate.ts.
 */
import type { Finding, PortProbe } from '../schema';
import { FINDINGS } from './catalogue';

export function evaluateMailBeforeTls(probes: readonly PortProbe[]): Finding[] {
  const out: Finding[] = [];
  for (const p of probes) {
    const m = p.mailBeforeTls;
    if (!m) continue;
    const where = { scope: 'port' as const, host: p.host, address: p.address, port: p.port };
    const params = { port: p.port, code: m.reply.code };
    if (m.accepted) {
      out.push({ code: 'submission.mail-before-tls', severity: FINDINGS['submission.mail-before-tls'].severity, untested: false, ...where, params });
    } else if (m.reply.code >= 500) {
      // A 5xx (530 5.7.0 and friends) is the server saying "TLS first"; a 4xx says "not now".
      out.push({ code: 'submission.tls-required', severity: FINDINGS['submission.tls-required'].severity, untested: false, ...where, params });
    }
  }
  return out;
}
