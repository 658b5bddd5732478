import { describe, expect, it } from 'vitest';
import { embedVantages } from '@/lib/embed/embed-vantages';
import type { CheckResult } from '@/lib/probe/schema';
import { compareVantages } from '@/lib/verdict/compare-vantages';
import { SAMPLE_RESULT } from '@/tests/fixtures/sample-result';

/** The sample result with port 25 of every address refused: what a filter on one path shows. */
function filtered(r: CheckResult): CheckResult {
  return {
    ...r,
    probes: r.probes.map((p) => (p.port === 25 ? { ...p, outcome: 'connection-refused', phase: 'connect', encryption: undefined, tls: undefined, greeting: undefined } : p)),
    summary: { ...r.summary, verdict: 'critical' },
  } as CheckResult;
}

describe('the widget line of a check run from several vantages', () => {
  const east = { vantage: 'east', id: 'idEast', status: 'done' as const, result: SAMPLE_RESULT };
  const west = { vantage: 'west', id: 'idWest', status: 'done' as const, result: filtered(SAMPLE_RESULT) };

  it("lists each vantage with its verdict, marks the widget's own, and titles each difference in the reader's language", () => {
    const comparison = compareVantages([east, west]);
    const model = embedVantages([east, west], comparison, 'idWest', 'en');
    expect(model.rows).toEqual([
      { vantage: 'east', id: 'idEast', current: false, state: 'done', verdict: SAMPLE_RESULT.summary.verdict },
      { vantage: 'west', id: 'idWest', current: true, state: 'done', verdict: 'critical' },
    ]);
    // One line per distinct difference: the same one at several addresses is said once.
    expect(comparison.findings.length).toBeGreaterThan(1);
    expect(model.differences).toEqual(['Port 25 answers from east but not from west']);
    expect(embedVantages([east, west], comparison, 'idWest', 'fr').differences).toEqual(['Le port 25 répond depuis east mais pas depuis west']);
  });

  it('says nothing about differences until every vantage is done, and an empty list when they agree', () => {
    const running = { vantage: 'west', id: 'idWest', status: 'running' as const };
    const pending = embedVantages([east, running], undefined, 'idEast', 'en');
    expect(pending.rows[1]).toEqual({ vantage: 'west', id: 'idWest', current: false, state: 'running' });
    expect(pending.differences).toBeUndefined();
    const same = { ...east, vantage: 'west', id: 'idWest' };
    expect(embedVantages([east, same], compareVantages([east, same]), 'idEast', 'en').differences).toEqual([]);
  });
});
