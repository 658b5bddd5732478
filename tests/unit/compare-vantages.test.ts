import { describe, expect, it } from 'vitest';
import type { CheckResult, PortProbe } from '@/lib/probe/schema';
import { compareVantages } from '@/lib/verdict/compare-vantages';
import { findingText } from '@/lib/probe/findings/catalogue';
import { localizedFindingText } from '@/lib/i18n/finding-text';
import { probe, silentProbe } from '@/tests/fixtures/probe-builders';
import { SAMPLE_RESULT } from '@/tests/fixtures/sample-result';

const withProbes = (probes: PortProbe[]): CheckResult => ({ ...SAMPLE_RESULT, probes, findings: [] });
const at = { host: 'mx.example.test', address: '192.0.2.10' };

describe('compareVantages', () => {
  it('finds a port that answers from one vantage and fails from another: the path, not the server', () => {
    const east = withProbes([probe({ ...at, port: 25 }), probe({ ...at, port: 587 })]);
    const west = withProbes([silentProbe('connection-timeout', { ...at, port: 25 }), probe({ ...at, port: 587 })]);
    const c = compareVantages([
      { vantage: 'east', result: east },
      { vantage: 'west', result: west },
    ]);
    expect(c.vantages).toEqual(['east', 'west']);
    expect(c.rows).toHaveLength(2);
    const row25 = c.rows.find((r) => r.port === 25)!;
    expect(row25.cells.east?.status).not.toBe(row25.cells.west?.status);
    expect(row25.cells.west?.reading).toBe('connection-timeout');
    expect(c.findings).toEqual([
      {
        code: 'vantage.unreachable-from',
        severity: 'warning',
        untested: false,
        scope: 'port',
        host: at.host,
        address: at.address,
        port: 25,
        params: { port: 25, address: at.address, answeredFrom: 'east', failedFrom: 'west' },
      },
    ]);
    expect(findingText('vantage.unreachable-from', c.findings[0]!.params).title).toBe('Port 25 answers from east but not from west');
    expect(localizedFindingText('fr', 'vantage.unreachable-from', c.findings[0]!.params).title).toBe(
      'Le port 25 répond depuis east mais pas depuis west',
    );
  });

  it('keeps every vantage’s cell, and names all the vantages on each side', () => {
    const ok = () => withProbes([probe({ ...at, port: 25 })]);
    const c = compareVantages([
      { vantage: 'a', result: ok() },
      { vantage: 'b', result: withProbes([silentProbe('connection-refused', { ...at, port: 25 })]) },
      { vantage: 'c', result: ok() },
      { vantage: 'd', result: withProbes([silentProbe('connection-timeout', { ...at, port: 25 })]) },
    ]);
    expect(c.rows).toHaveLength(1);
    expect(c.rows[0]!.cells).toEqual({
      a: { status: 'ok', reading: 'starttls' },
      b: { status: 'closed', reading: 'connection-refused' },
      c: { status: 'ok', reading: 'starttls' },
      d: { status: 'untested', reading: 'connection-timeout' },
    });
    expect(c.findings.map((f) => f.params)).toEqual([{ port: 25, address: at.address, answeredFrom: 'a, c', failedFrom: 'b, d' }]);
  });

  it('a vantage that could not reach what another reached reads closed or could-not-test, not its own critical', () => {
    const east = withProbes([probe({ ...at, port: 25 })]);
    const refused = silentProbe('connection-refused', { ...at, port: 25 });
    const reset = silentProbe('connection-reset', { ...at, port: 25 });
    // Alone, each west result calls port 25 critical ("MX refuses connections on port 25").
    const critical = (p: PortProbe) => ({ ...withProbes([p]), findings: [{ code: 'port25.unreachable' as const, severity: 'critical' as const, untested: false, scope: 'port' as const, host: at.host, address: at.address, port: 25 as const, params: { address: at.address, reason: 'refused' } }] });
    for (const west of [refused, reset]) {
      const c = compareVantages([
        { vantage: 'east', result: east },
        { vantage: 'west', result: critical(west) },
      ]);
      expect(c.rows[0]!.cells.west).toEqual({ status: 'closed', reading: west.outcome });
      expect(c.rows[0]!.cells.east?.status).toBe('ok');
      expect(c.findings.map((f) => f.code)).toEqual(['vantage.unreachable-from']);
    }
    // When no vantage reached it, each keeps its own verdict: the server, not the path.
    const both = compareVantages([
      { vantage: 'east', result: critical(refused) },
      { vantage: 'west', result: critical(refused) },
    ]);
    expect(Object.values(both.rows[0]!.cells).map((c) => c?.status)).toEqual(['critical', 'critical']);
  });

  it('an answer that differs is a decisive warning', () => {
    const c = compareVantages([
      { vantage: 'a', result: withProbes([probe({ ...at, port: 587 })]) },
      { vantage: 'b', result: withProbes([probe({ ...at, port: 587, encryption: 'none' })]) },
    ]);
    expect(c.findings).toEqual([
      { code: 'vantage.answer-differs', severity: 'warning', untested: false, scope: 'port', host: at.host, address: at.address, port: 587, params: { port: 587, address: at.address, vantages: 'a, b' } },
    ]);
  });

  it('finds a port whose answer differs (STARTTLS from one side only)', () => {
    const plain = probe({ ...at, port: 25, encryption: 'none' });
    const c = compareVantages([
      { vantage: 'a', result: withProbes([probe({ ...at, port: 25 })]) },
      { vantage: 'b', result: withProbes([plain]) },
    ]);
    expect(c.findings.map((f) => [f.code, f.params?.vantages])).toEqual([['vantage.answer-differs', 'a, b']]);
  });

  it('says nothing when every vantage saw the same, or when a port was seen from one vantage only', () => {
    const same = compareVantages([
      { vantage: 'a', result: withProbes([probe({ ...at, port: 25 }), silentProbe('connection-refused', { ...at, port: 2525 })]) },
      { vantage: 'b', result: withProbes([probe({ ...at, port: 25 }), silentProbe('connection-refused', { ...at, port: 2525 })]) },
    ]);
    expect(same.findings).toEqual([]);
    const lone = compareVantages([
      { vantage: 'a', result: withProbes([probe({ ...at, port: 25 })]) },
      { vantage: 'b', result: withProbes([]) },
    ]);
    expect(lone.findings).toEqual([]);
    expect(lone.rows[0]!.cells.b).toBeUndefined();
  });

  it('two vantages that both fail are not a difference about the path', () => {
    const c = compareVantages([
      { vantage: 'a', result: withProbes([silentProbe('connection-timeout', { ...at, port: 25 })]) },
      { vantage: 'b', result: withProbes([silentProbe('connection-refused', { ...at, port: 25 })]) },
    ]);
    expect(c.findings).toEqual([]);
  });
});
