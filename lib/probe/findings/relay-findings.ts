/**
 * Findings from the open relay test: one per MX address that carries a relay result. A probe that
 * never reached the test gets none here (its port findings already say why).
 */
import type { Finding, PortProbe, RelayAttempt } from '../schema';
import { FINDINGS, type FindingCode } from './catalogue';

/** The reply that left the test inconclusive, for the explanation ("" when there was none). */
function inconclusiveReply(attempts: readonly RelayAttempt[]): string {
  const a = attempts.find((x) => x.verdict !== 'rejected');
  const reply = a?.verdict === 'mail-from-refused' ? a.mailFrom : a?.rcpt;
  return reply ? `: ${reply.code} ${reply.lines.join(' ').slice(0, 160)}` : '';
}

function relayFinding(code: FindingCode, p: PortProbe, params: Record<string, string>): Finding {
  const def = FINDINGS[code];
  return {
    code,
    severity: def.severity,
    untested: 'untested' in def ? def.untested : false,
    scope: 'address',
    host: p.host,
    address: p.address,
    params: { address: p.address, ...params },
  };
}

export function evaluateRelay(probes: readonly PortProbe[]): Finding[] {
  const out: Finding[] = [];
  for (const p of probes) {
    const r = p.relay;
    if (!r) continue;
    if (r.status === 'open') {
      const accepted = r.attempts.find((a) => a.verdict === 'accepted');
      const recipient = accepted?.recipient ?? '';
      if (r.acceptedForm === 'plain') out.push(relayFinding('relay.open', p, { recipient }));
      else out.push(relayFinding('relay.open-bypass', p, { recipient, form: r.acceptedForm ?? 'unknown' }));
    } else if (r.status === 'closed') out.push(relayFinding('relay.closed', p, {}));
    else if (r.status === 'not-tested') out.push(relayFinding('relay.not-tested', p, {}));
    else if (r.reason !== 'not-reached') {
      out.push(relayFinding('relay.untested', p, { reason: r.reason, reply: inconclusiveReply(r.attempts) }));
    }
  }
  return out;
}
