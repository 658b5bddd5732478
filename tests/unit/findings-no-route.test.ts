/**
 * "No route" from the tester (ENETUNREACH, EADDRNOTAVAIL, ENETDOWN: typically this machine has no
 * IPv6) says nothing about the mail server: it is "could not test", like a timeout, never the
 * critical "MX refuses connections on port 25". A refused connection stays definitive.
 */
import { describe, expect, it } from 'vitest';
import { evaluateFindings } from '@/lib/probe/findings/evaluate';
import { summarize } from '@/lib/probe/findings/summarize';
import { statusInResult as probeStatus } from '@/lib/verdict/probe-status';
import type { DnsResult, PortProbe } from '@/lib/probe/schema';

const dns: DnsResult = {
  mx: { status: 'ok', ms: 1, records: [{ exchange: 'mx.example.test', preference: 10 }] },
  mxKind: 'explicit',
  hosts: [
    {
      name: 'mx.example.test',
      preference: 10,
      a: { status: 'nodata', ms: 1 },
      aaaa: { status: 'ok', ms: 1 },
      addresses: [{ address: '2001:db8::25', family: 6, policy: { allowed: true } }],
    },
  ],
  servers: ['127.0.0.1'],
};

const failed = (outcome: PortProbe['outcome'], systemError: string): PortProbe => ({
  host: 'mx.example.test',
  address: '2001:db8::25',
  family: 6,
  port: 25,
  outcome,
  phase: 'connect',
  systemError,
  errorMessage: `connect ${systemError} 2001:db8::25:25`,
  timings: { totalMs: 1 },
  encryption: 'unknown',
  transcript: [],
  transcriptTruncated: false,
});

describe('findings: no route from the tester', () => {
  it.each(['ENETUNREACH', 'EADDRNOTAVAIL', 'ENETDOWN'])('%s on port 25 is "could not test"', (code) => {
    const p = failed('unreachable', code);
    const findings = evaluateFindings({ mode: 'domain', domain: 'example.test', dns, probes: [p] });
    expect(findings.filter((f) => f.severity === 'critical')).toEqual([]);
    expect(findings.every((f) => f.untested)).toBe(true);
    expect(findings.map((f) => f.code)).toContain('mx.untested');
    expect(probeStatus(p, findings)).toBe('untested');
    expect(summarize({ mode: 'domain', probes: [p], findings, hosts: 1, addresses: 1 }).verdict).toBe('untested');
  });

  it('a refused port 25 and a host-unreachable answer stay definitive', () => {
    for (const p of [failed('connection-refused', 'ECONNREFUSED'), failed('unreachable', 'EHOSTUNREACH')]) {
      const findings = evaluateFindings({ mode: 'domain', domain: 'example.test', dns, probes: [p] });
      expect(findings.map((f) => `${f.code}:${f.severity}`).sort()).toEqual(['mx.all-unreachable:critical', 'port25.unreachable:critical']);
      expect(probeStatus(p, findings)).toBe('critical');
    }
  });
});
