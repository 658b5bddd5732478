import { describe, expect, it } from 'vitest';
import { evaluateConditions, expiringCertificates } from '@/lib/monitors/conditions';
import { MonitorConditionsSchema, type MonitorConditions } from '@/lib/monitors/schemas';
import type { CheckResult, Finding } from '@/lib/probe/schema';
import { SAMPLE_RESULT } from '@/tests/fixtures/sample-result';

const ALL: MonitorConditions = MonitorConditionsSchema.parse({ certExpiresWithinDays: 30 });
const NONE: MonitorConditions = { verdictWorse: false, portChanged: false, certExpiresWithinDays: null, newCritical: false, backToNormal: false };

/** The sample with every certificate far from expiry: the expiry window stays quiet unless a test says otherwise. */
function base(): CheckResult {
  const r = structuredClone(SAMPLE_RESULT);
  for (const p of r.probes) if (p.tls?.chain[0]) p.tls.chain[0].daysLeft = 300;
  return r;
}

function withVerdict(r: CheckResult, verdict: CheckResult['summary']['verdict']): CheckResult {
  return { ...r, summary: { ...r.summary, verdict } };
}

/** a critical finding at an address the sample does not have, so it is new wherever it is added */
const critical: Finding = { ...SAMPLE_RESULT.findings[0]!, code: 'cert.expired', severity: 'critical', scope: 'address', host: 'mx9.example.test', address: '192.0.2.99', port: 25 };

describe('monitor alert conditions', () => {
  it('stay quiet when nothing changed', () => {
    expect(evaluateConditions(ALL, base(), base())).toEqual({ reasons: [], changes: [], expiring: [] });
  });

  it('fire "verdict got worse" on a move down the ladder, and not on a move up', () => {
    expect(evaluateConditions(ALL, withVerdict(base(), 'ok'), withVerdict(base(), 'warning')).reasons).toEqual(['verdict-worse']);
    expect(evaluateConditions(ALL, withVerdict(base(), 'warning'), withVerdict(base(), 'critical')).reasons).toEqual(['verdict-worse']);
    expect(evaluateConditions(ALL, withVerdict(base(), 'critical'), withVerdict(base(), 'warning')).reasons).toEqual([]);
    expect(evaluateConditions({ ...ALL, verdictWorse: false }, withVerdict(base(), 'ok'), withVerdict(base(), 'warning')).reasons).toEqual([]);
  });

  it('do not read "could not test" as worse', () => {
    expect(evaluateConditions(ALL, withVerdict(base(), 'ok'), withVerdict(base(), 'untested')).reasons).toEqual([]);
  });

  it('fire "back to normal" when the verdict returns to ok or info from worse, not between bad ones', () => {
    expect(evaluateConditions(ALL, withVerdict(base(), 'critical'), withVerdict(base(), 'ok')).reasons).toEqual(['back-to-normal']);
    expect(evaluateConditions(ALL, withVerdict(base(), 'warning'), withVerdict(base(), 'info')).reasons).toEqual(['back-to-normal']);
    expect(evaluateConditions(ALL, withVerdict(base(), 'info'), withVerdict(base(), 'ok')).reasons).toEqual([]);
    expect(evaluateConditions({ ...ALL, backToNormal: false }, withVerdict(base(), 'critical'), withVerdict(base(), 'ok')).reasons).toEqual([]);
  });

  it('fire "a port changed" when one probe of one address closes, with the change in the list', () => {
    const after = base();
    const p = after.probes.find((x) => x.port === 587 && x.address === '192.0.2.10')!;
    Object.assign(p, { outcome: 'connection-refused', phase: 'connect', errorCode: 'ECONNREFUSED', encryption: 'unknown' });
    for (const k of ['greeting', 'ehlo', 'tls', 'ehloTls', 'starttlsReply'] as const) delete p[k];
    // what the closed port no longer shows goes with it (the engine would not report it)
    after.findings = after.findings.filter((f) => !(f.address === '192.0.2.10' && f.port === 587));
    const e = evaluateConditions(ALL, base(), after);
    expect(e.reasons).toContain('port-changed');
    expect(e.changes).toContainEqual(expect.objectContaining({ kind: 'port-status', port: 587, address: '192.0.2.10', to: 'closed' }));
    expect(evaluateConditions({ ...ALL, portChanged: false }, base(), after).reasons).not.toContain('port-changed');
  });

  it('fire "new critical finding" only for a critical one that appeared', () => {
    const after = base();
    after.findings = [...after.findings, critical];
    expect(evaluateConditions(ALL, base(), after).reasons).toContain('new-critical');
    // already there before: not new
    expect(evaluateConditions(ALL, after, after).reasons).not.toContain('new-critical');
    const warning = base();
    warning.findings = [...warning.findings, { ...critical, severity: 'warning' }];
    expect(evaluateConditions(ALL, base(), warning).reasons).not.toContain('new-critical');
  });

  it('fire "certificate expires within N days" once when a leaf enters the window, again for a replaced leaf still inside it', () => {
    const soon = base();
    const leaf = soon.probes.find((p) => p.tls?.chain[0])!.tls!.chain[0]!;
    leaf.daysLeft = 10;
    const e = evaluateConditions(ALL, base(), soon);
    expect(e.reasons).toEqual(['certificate-expiring']);
    expect(e.expiring.length).toBeGreaterThan(0);
    expect(e.expiring.every((c) => c.daysLeft === 10)).toBe(true);
    // the next run, the same leaf one day closer: no second alert
    const later = structuredClone(soon);
    for (const p of later.probes) if (p.tls?.chain[0]?.sha256 === leaf.sha256) p.tls.chain[0].daysLeft = 9;
    expect(evaluateConditions(ALL, soon, later).reasons).toEqual([]);
    // a window narrower than the days left: quiet
    expect(evaluateConditions({ ...ALL, certExpiresWithinDays: 5 }, base(), soon).reasons).toEqual([]);
    // replaced by another leaf that is just as close: news
    const replaced = structuredClone(later);
    for (const p of replaced.probes) if (p.tls?.chain[0]?.sha256 === leaf.sha256) p.tls.chain[0] = { ...p.tls.chain[0], sha256: 'AA:BB' };
    expect(evaluateConditions(ALL, later, replaced).reasons).toContain('certificate-expiring');
  });

  it('on a first run, compare nothing and alert only for the expiry window', () => {
    expect(evaluateConditions(ALL, null, withVerdict(base(), 'critical'))).toEqual({ reasons: [], changes: [], expiring: [] });
    expect(evaluateConditions(ALL, null, SAMPLE_RESULT).reasons).toEqual(['certificate-expiring']);
  });

  it('fire nothing with every condition off, while still listing the changes', () => {
    const e = evaluateConditions(NONE, withVerdict(base(), 'ok'), withVerdict(base(), 'critical'));
    expect(e.reasons).toEqual([]);
    expect(e.changes.map((c) => c.kind)).toEqual(['verdict']);
  });

  it('count an expired leaf (negative days) as inside the window', () => {
    const expired = SAMPLE_RESULT.probes.filter((p) => (p.tls?.chain[0]?.daysLeft ?? 1) < 0);
    expect(expired.length).toBeGreaterThan(0);
    expect(expiringCertificates(SAMPLE_RESULT, 1).length).toBeGreaterThanOrEqual(expired.length);
  });
});
