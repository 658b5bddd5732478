/**
 * A server that answers and then goes silent (a STARTTLS handshake that stalls, an EHLO never
 * answered) must still end as a finding, not as a port with no words at all.
 */
import { describe, expect, it } from 'vitest';
import { evaluateProbe } from '@/lib/probe/findings/evaluate';
import { findingText } from '@/lib/probe/findings/catalogue';
import type { PortProbe } from '@/lib/probe/schema';

function timedOut(over: Partial<PortProbe>): PortProbe {
  return {
    host: 'mx.example.test',
    address: '192.0.2.10',
    family: 4,
    port: 25,
    outcome: 'io-timeout',
    phase: 'greeting',
    systemError: 'ETIMEDOUT',
    timings: { totalMs: 1500 },
    encryption: 'unknown',
    transcript: [],
    transcriptTruncated: false,
    ...over,
  };
}

const greeting = { code: 220, lines: ['mx.example.test ESMTP'] };

describe('io-timeout findings', () => {
  it('a stalled STARTTLS handshake after a 220 is reported as port.stalled in the tls phase', () => {
    const p = timedOut({ phase: 'tls', greeting, starttlsReply: { code: 220, lines: ['Ready to start TLS'] } });
    const f = evaluateProbe(p, 'domain');
    expect(f.map((x) => x.code)).toEqual(['port.stalled']);
    expect(f[0]).toMatchObject({ severity: 'warning', untested: false, port: 25, params: { port: 25, phase: 'tls' } });
    expect(findingText('port.stalled', f[0]!.params).explanation).toContain('during tls');
  });

  it('an EHLO that is never answered is port.stalled in the ehlo phase', () => {
    const f = evaluateProbe(timedOut({ phase: 'ehlo', greeting, port: 587 }), 'host');
    expect(f.map((x) => `${x.code}:${String(x.params?.phase)}`)).toEqual(['port.stalled:ehlo']);
  });

  it('silence before any greeting stays "could not test" (port.timeout), never port.stalled', () => {
    const f = evaluateProbe(timedOut({}), 'domain');
    expect(f.map((x) => x.code)).toEqual(['port.timeout']);
    expect(f[0]?.untested).toBe(true);
  });
});
