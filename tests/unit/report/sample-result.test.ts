import { describe, expect, it } from 'vitest';
import { CheckResultSchema, PORTS } from '@/lib/probe/schema';
import { SAMPLE_RESULT } from '@/tests/fixtures/sample-result';

describe('sample result fixture', () => {
  it('is a valid CheckResult', () => {
    expect(() => CheckResultSchema.parse(SAMPLE_RESULT)).not.toThrow();
  });

  it('covers two MX hosts, each over IPv4 and IPv6, on all four ports', () => {
    const hosts = new Set(SAMPLE_RESULT.probes.map((p) => p.host));
    expect(hosts.size).toBe(2);
    for (const host of hosts) {
      const families = new Set(SAMPLE_RESULT.probes.filter((p) => p.host === host).map((p) => p.family));
      expect([...families].sort()).toEqual([4, 6]);
    }
    expect(SAMPLE_RESULT.probes).toHaveLength(2 * 2 * PORTS.length);
  });

  it('mixes the outcomes the report must show', () => {
    const p = SAMPLE_RESULT.probes;
    expect(p.some((x) => x.port === 25 && x.encryption === 'starttls' && x.tls?.trusted)).toBe(true);
    expect(p.some((x) => x.port === 465 && x.encryption === 'implicit-tls')).toBe(true);
    expect(p.some((x) => x.port === 587 && (x.ehlo?.auth.length ?? 0) > 0)).toBe(true);
    expect(p.filter((x) => x.port === 2525).every((x) => x.outcome === 'connection-refused')).toBe(true);
    expect(p.some((x) => x.outcome === 'connection-timeout')).toBe(true);
    expect(p.some((x) => x.tls?.trustReason === 'expired')).toBe(true);
    expect(new Set(SAMPLE_RESULT.findings.map((f) => f.severity))).toEqual(new Set(['ok', 'info', 'warning', 'critical']));
    expect(SAMPLE_RESULT.findings.some((f) => f.untested)).toBe(true);
  });
});
