import { describe, expect, it } from 'vitest';
import { findingText } from '@/lib/probe/findings/catalogue';
import { FindingSchema } from '@/lib/probe/schema';
import { formatLocation, groupFindings } from '@/lib/report/group-findings';
import { SAMPLE_RESULT } from '@/tests/fixtures/sample-result';

describe('groupFindings', () => {
  it('orders groups worst first', () => {
    expect(groupFindings(SAMPLE_RESULT.findings).map((g) => g.severity)).toEqual(['critical', 'warning', 'info', 'ok']);
  });

  it('merges the same finding on several addresses into one item with its locations', () => {
    const critical = groupFindings(SAMPLE_RESULT.findings)[0]!;
    const auth = critical.items.find((i) => i.code === 'auth.before-tls')!;
    expect(auth.locations).toHaveLength(2);
    expect(auth.title).toBe('Credentials could travel in clear');
    expect(auth.explanation).toContain('PLAIN LOGIN');
    expect(auth.fix).not.toBe('');
    const expired = critical.items.filter((i) => i.code === 'cert.expired');
    expect(expired).toHaveLength(1);
    expect(expired[0]!.locations.map((l) => l.port)).toEqual([25, 587, 587]);
  });

  it('keeps findings whose wording differs apart (different params)', () => {
    const timeouts = groupFindings(SAMPLE_RESULT.findings)
      .find((g) => g.severity === 'info')!
      .items.filter((i) => i.code === 'port.timeout');
    expect(timeouts.map((t) => t.explanation.match(/port (\d+)/)?.[1])).toEqual(['465', '25']);
  });

  it('groups a domain-wide finding without locations', () => {
    const [g] = groupFindings([{ code: 'mx.none', severity: 'critical', untested: false, scope: 'domain' }]);
    expect(g!.items[0]).toMatchObject({ code: 'mx.none', title: findingText('mx.none').title, locations: [] });
  });

  it('has no place for a code the catalogue does not know: the schema refuses it', () => {
    const unknown = { code: 'future.thing', severity: 'warning', untested: false, scope: 'domain' };
    expect(FindingSchema.safeParse(unknown).success).toBe(false);
    expect(FindingSchema.safeParse({ ...unknown, code: 'mx.none' }).success).toBe(true);
    // Never called: only for the compiler, which must refuse an unknown code (tsc runs in CI).
    const typeCheckOnly = () =>
      // @ts-expect-error an unknown code is a type error too
      groupFindings([unknown]);
    expect(typeCheckOnly).toBeTypeOf('function');
  });

  it('formats a location', () => {
    expect(formatLocation({ host: 'mx.test', address: '192.0.2.1', port: 25 })).toBe('mx.test · 192.0.2.1 · port 25');
    expect(formatLocation({ host: 'mx.test' })).toBe('mx.test');
  });
});
