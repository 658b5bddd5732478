import { describe, expect, it } from 'vitest';
import { compareResults, findingKey, verdictDirection, type Change } from '@/lib/history/compare-results';
import { describeChange } from '@/lib/history/describe-change';
import type { CheckResult, PortProbe } from '@/lib/probe/schema';
import { CheckResultSchema } from '@/lib/probe/schema';
import { MX1_LEAF, SAMPLE_RESULT } from '@/tests/fixtures/sample-result';

const MX1 = 'mx1.example.test';
const MX2 = 'mx2.example.test';

function copy(): CheckResult {
  return structuredClone(SAMPLE_RESULT);
}

function probeOf(r: CheckResult, host: string, address: string, port: number): PortProbe {
  const p = r.probes.find((x) => x.host === host && x.address === address && x.port === port);
  if (!p) throw new Error(`no probe ${host} ${address} ${port}`);
  return p;
}

function kinds(changes: Change[]): string[] {
  return changes.map((c) => c.kind);
}

describe('compareResults', () => {
  it('finds nothing between a result and itself, nor when only timings and transcripts differ', () => {
    expect(compareResults(SAMPLE_RESULT, SAMPLE_RESULT)).toEqual([]);
    const later = copy();
    later.durationMs += 5000;
    for (const p of later.probes) {
      p.timings.totalMs += 7;
      p.transcript = [];
    }
    expect(compareResults(SAMPLE_RESULT, later)).toEqual([]);
  });

  it('reports a port that closed as a status change with both statuses, and the finding it takes away', () => {
    const after = copy();
    const p = probeOf(after, MX1, '192.0.2.10', 587);
    Object.assign(p, { outcome: 'connection-refused', phase: 'connect', systemError: 'ECONNREFUSED', encryption: 'unknown' });
    delete p.greeting;
    delete p.ehlo;
    delete p.tls;
    delete p.ehloTls;
    delete p.starttlsReply;
    after.findings = after.findings.filter((f) => !(f.code === 'auth.before-tls' && f.address === '192.0.2.10'));
    const changes = compareResults(SAMPLE_RESULT, after);
    expect(changes).toContainEqual({ kind: 'port-status', host: MX1, address: '192.0.2.10', port: 587, from: 'critical', to: 'closed' });
    const resolved = changes.filter((c) => c.kind === 'finding-resolved');
    expect(resolved).toHaveLength(1);
    expect(resolved[0]).toMatchObject({ finding: { code: 'auth.before-tls', address: '192.0.2.10', port: 587 } });
    // no TLS/certificate noise for a port that no longer answers: the status change says it
    expect(kinds(changes)).not.toContain('certificate');
    expect(kinds(changes)).not.toContain('tls-version');
  });

  it('reports a replaced certificate with the fields that differ (fingerprint, expiry, issuer)', () => {
    const after = copy();
    const p = probeOf(after, MX1, '192.0.2.10', 25);
    p.tls!.chain[0] = { ...MX1_LEAF, sha256: 'EE:'.repeat(31) + 'EE', notAfter: '2026-07-15T23:59:59.000Z', issuer: 'CN=Other CA' };
    const changes = compareResults(SAMPLE_RESULT, after).filter((c) => c.kind === 'certificate');
    expect(changes).toEqual([
      {
        kind: 'certificate', host: MX1, address: '192.0.2.10', port: 25,
        fields: ['fingerprint', 'expiry', 'issuer'],
        from: { sha256: MX1_LEAF.sha256, notAfter: MX1_LEAF.notAfter, issuer: MX1_LEAF.issuer, subject: MX1_LEAF.subject },
        to: { sha256: 'EE:'.repeat(31) + 'EE', notAfter: '2026-07-15T23:59:59.000Z', issuer: 'CN=Other CA', subject: MX1_LEAF.subject },
      },
    ]);
    expect(describeChange(changes[0]!).text).toBe('certificate replaced; expiry 2026-04-15 → 2026-07-15; issuer ' + MX1_LEAF.issuer + ' → CN=Other CA');
  });

  it('reports a re-issued certificate with the same issuer and expiry by its fingerprint alone', () => {
    const after = copy();
    probeOf(after, MX1, '192.0.2.10', 465).tls!.chain[0] = { ...MX1_LEAF, sha256: 'AB:'.repeat(31) + 'AB' };
    const [c] = compareResults(SAMPLE_RESULT, after);
    expect(c).toMatchObject({ kind: 'certificate', port: 465, fields: ['fingerprint'] });
  });

  it('reports a TLS version change per host, address and port', () => {
    const after = copy();
    probeOf(after, MX1, '2001:db8::10', 465).tls!.version = 'TLSv1.2';
    const changes = compareResults(SAMPLE_RESULT, after);
    expect(changes).toEqual([{ kind: 'tls-version', host: MX1, address: '2001:db8::10', port: 465, from: 'TLSv1.3', to: 'TLSv1.2' }]);
    expect(describeChange(changes[0]!)).toEqual({ subject: `${MX1} [2001:db8::10]:465`, text: 'TLS version TLS 1.3 → TLS 1.2', tone: 'note' });
  });

  it('reports MX hosts added and removed, with the probes that came and went as "not probed"', () => {
    const after = copy();
    const mx2 = after.dns.hosts.find((h) => h.name === MX2)!;
    mx2.name = 'mx3.example.test';
    for (const p of after.probes) if (p.host === MX2) p.host = 'mx3.example.test';
    for (const f of after.findings) if (f.host === MX2) f.host = 'mx3.example.test';
    const changes = compareResults(SAMPLE_RESULT, after);
    expect(changes).toContainEqual({ kind: 'mx-removed', host: MX2, preference: 20 });
    expect(changes).toContainEqual({ kind: 'mx-added', host: 'mx3.example.test', preference: 20 });
    expect(changes).toContainEqual({ kind: 'port-status', host: MX2, address: '198.51.100.20', port: 25, from: 'critical', to: null });
    expect(changes).toContainEqual({ kind: 'port-status', host: 'mx3.example.test', address: '198.51.100.20', port: 25, from: null, to: 'critical' });
    expect(describeChange(changes.find((c) => c.kind === 'mx-added')!).text).toBe('mx3.example.test added (preference 20)');
  });

  it('reports addresses added and removed under a host that stays, and MX preference changes', () => {
    const after = copy();
    const mx1 = after.dns.hosts.find((h) => h.name === MX1)!;
    mx1.preference = 5;
    mx1.addresses = mx1.addresses.filter((a) => a.family === 4);
    mx1.addresses.push({ address: '192.0.2.11', family: 4, policy: { allowed: true } });
    const changes = compareResults(SAMPLE_RESULT, after).filter((c) => c.kind.startsWith('address') || c.kind === 'mx-preference');
    expect(changes).toEqual([
      { kind: 'mx-preference', host: MX1, from: 10, to: 5 },
      { kind: 'address-removed', host: MX1, address: '2001:db8::10' },
      { kind: 'address-added', host: MX1, address: '192.0.2.11' },
    ]);
  });

  it('reports the MX kind (e.g. explicit to null MX)', () => {
    const after = copy();
    after.dns.mxKind = 'null';
    expect(compareResults(SAMPLE_RESULT, after)).toContainEqual({ kind: 'mx-kind', from: 'explicit', to: 'null' });
  });

  it('puts the verdict first and says whether it got better or worse; untested is neither', () => {
    const after = copy();
    after.summary.verdict = 'ok';
    expect(compareResults(SAMPLE_RESULT, after)[0]).toEqual({ kind: 'verdict', from: 'critical', to: 'ok', direction: 'better' });
    expect(compareResults(after, SAMPLE_RESULT)[0]).toEqual({ kind: 'verdict', from: 'ok', to: 'critical', direction: 'worse' });
    expect(verdictDirection('warning', 'untested')).toBe('other');
    expect(verdictDirection('untested', 'ok')).toBe('other');
    expect(verdictDirection('info', 'warning')).toBe('worse');
    expect(describeChange({ kind: 'verdict', from: 'ok', to: 'critical', direction: 'worse' })).toEqual({
      subject: 'Verdict', text: 'All good → Problems found', tone: 'bad',
    });
  });

  it('matches findings by code and location, not by parameters that drift (days left)', () => {
    const after = copy();
    for (const f of after.findings) if (f.code === 'cert.expired') f.params = { ...f.params, days: 13 };
    expect(compareResults(SAMPLE_RESULT, after)).toEqual([]);
    const a = SAMPLE_RESULT.findings[0]!;
    expect(findingKey(a)).toBe(findingKey({ ...a, params: {} }));
    expect(findingKey(a)).not.toBe(findingKey({ ...a, port: 465 }));
  });

  it('lists new findings as appeared and words them from the catalogue with their severity', () => {
    const after = copy();
    after.findings.push({ code: 'cert.expired', severity: 'critical', untested: false, scope: 'port', host: MX1, address: '192.0.2.10', port: 25, params: { host: MX1, notAfter: '2026-04-15', days: 1 } });
    const changes = compareResults(SAMPLE_RESULT, after);
    const appeared = changes.find((c) => c.kind === 'finding-appeared')!;
    expect(appeared).toBeDefined();
    const text = describeChange(appeared);
    expect(text.subject).toBe(`${MX1} 192.0.2.10:25`);
    expect(text.text).toMatch(/^New critical: /);
    expect(text.tone).toBe('bad');
    // the probe's status follows the interpretation layer (a critical finding makes the cell critical)
    expect(changes).toContainEqual({ kind: 'port-status', host: MX1, address: '192.0.2.10', port: 25, from: 'ok', to: 'critical' });
  });

  it('orders probe changes by host, address, port and keeps every change schema-independent of input order', () => {
    const after = copy();
    probeOf(after, MX2, '198.51.100.20', 587).tls!.version = 'TLSv1.2';
    probeOf(after, MX1, '192.0.2.10', 465).tls!.version = 'TLSv1.2';
    after.probes.reverse();
    const refs = compareResults(SAMPLE_RESULT, after).map((c) => ('port' in c ? `${c.host}:${c.port}` : c.kind));
    expect(refs).toEqual([`${MX1}:465`, `${MX2}:587`]);
  });

  it('works on results that still parse with the shared schema (no hidden fields needed)', () => {
    const after = CheckResultSchema.parse(copy());
    expect(compareResults(CheckResultSchema.parse(SAMPLE_RESULT), after)).toEqual([]);
  });
});

describe('describeChange for findings', () => {
  it('names the severity of warnings and criticals, and words ok/info findings without it', () => {
    const ok = SAMPLE_RESULT.findings.find((f) => f.severity === 'ok')!;
    expect(describeChange({ kind: 'finding-resolved', finding: ok }).text).toMatch(/^No longer: /);
    expect(describeChange({ kind: 'finding-appeared', finding: ok }).text).toMatch(/^Now: /);
    const critical = SAMPLE_RESULT.findings.find((f) => f.severity === 'critical')!;
    expect(describeChange({ kind: 'finding-resolved', finding: critical })).toMatchObject({ tone: 'good', text: expect.stringMatching(/^Resolved critical: /) });
  });
});
