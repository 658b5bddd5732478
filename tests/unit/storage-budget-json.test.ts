import { describe, expect, it } from 'vitest';
import { compactProbe, createStorageBudget } from '@/lib/checks/storage-budget';
import type { CheckEvent, CheckResult, PortProbe } from '@/lib/probe/schema';
import { fakeResult, fakeTarget } from '@/tests/fixtures/fake-engine';
import { probe } from '@/tests/fixtures/probe-builders';

/**
 * The budget hands out each event's JSON with it (the engine thread sends it as is, the viewers'
 * frames are built from it) and counts its bytes, serialising each event once: the JSON must be
 * exactly JSON.stringify of the event it returns, and `used` exactly the bytes of what it returned.
 */
const bytes = (s: string) => Buffer.byteLength(s);

/** A probe with a transcript and replies long enough to be compacted, with non-ASCII text. */
function bigProbe(port: PortProbe['port'], lines: number): PortProbe {
  const text = (i: number) => `250-line ${i} ünïcödé ${'x'.repeat(200)}`;
  return probe({
    port,
    greeting: { code: 220, lines: Array.from({ length: lines }, (_, i) => `mx ESMTP ${i} ✓ ${'g'.repeat(100)}`) },
    transcript: Array.from({ length: lines }, (_, i) => ({ t: i, dir: 'i' as const, text: text(i) })),
  });
}

function run(maxBytes: number, probes: PortProbe[], progress: number) {
  const target = fakeTarget('budget.test');
  const base = fakeResult(target, [25]);
  const result: CheckResult = { ...base, probes };
  const budget = createStorageBudget(maxBytes);
  const admitted: { event: CheckEvent; json: string }[] = [];
  const events: CheckEvent[] = [
    { type: 'check-started', target, startedAt: new Date(0).toISOString() },
    { type: 'dns-done', dns: base.dns },
    { type: 'probes-planned', probes: probes.map((p) => ({ host: p.host, address: p.address, port: p.port, family: p.family })) },
    ...Array.from({ length: progress }, (_, i): CheckEvent => ({ type: 'probe-greeting', host: probes[0]!.host, address: probes[0]!.address, port: probes[0]!.port, ms: i, greeting: { code: 220, lines: [`hello ${i} ${'p'.repeat(300)}`] } })),
    ...probes.map((p): CheckEvent => ({ type: 'probe-done', probe: p })),
    // a second probe-done of the same probe is dropped
    { type: 'probe-done', probe: probes[0]! },
  ];
  for (const e of events) {
    const a = budget.admit(e);
    if (a) admitted.push(a);
  }
  const final = budget.finish(result);
  return { budget, admitted, final, events };
}

describe('the storage budget serialises each event once', () => {
  for (const [name, maxBytes] of [
    ['roomy', 2 * 1024 * 1024],
    ['tight (probes compacted, progress dropped, findings cut)', 24 * 1024],
  ] as const) {
    it(`returns each event's exact JSON and counts exactly its bytes: ${name}`, () => {
      const probes = [bigProbe(25, 60), bigProbe(465, 30), bigProbe(587, 5)];
      const { budget, admitted, final } = run(maxBytes, probes, 200);
      let sum = 0;
      for (const a of admitted) {
        expect(a.json).toBe(JSON.stringify(a.event));
        sum += bytes(a.json);
      }
      expect(final.resultJson).toBe(JSON.stringify(final.result));
      expect(final.eventJson).toBe(JSON.stringify(final.event));
      sum += bytes(final.resultJson) + bytes(final.eventJson);
      expect(budget.used).toBe(sum);
      const done = admitted.filter((a) => a.event.type === 'probe-done');
      expect(done).toHaveLength(3);
      if (maxBytes < 100_000) {
        // the tight budget did compact and did say so
        expect(done.some((a) => (a.event as { probe: PortProbe }).probe.transcript.length < 60)).toBe(true);
        expect(final.result.findings.some((f) => f.code === 'check.storage-truncated')).toBe(true);
        expect(admitted.filter((a) => a.event.type === 'probe-greeting').length).toBeLessThan(200);
      } else {
        expect(final.result.findings.some((f) => f.code === 'check.storage-truncated')).toBe(false);
      }
      // the stored result carries the very probes of the probe-done events
      expect(final.result.probes.map((p) => JSON.stringify(p))).toEqual(done.map((a) => JSON.stringify((a.event as { probe: PortProbe }).probe)));
    });
  }

  it('compactProbe measures a probe as JSON.stringify does', () => {
    for (const p of [bigProbe(25, 60), probe(), bigProbe(587, 1)]) {
      for (const max of [256, 4_000, 1_000_000]) {
        const c = compactProbe(p, max);
        expect(c.bytes).toBe(bytes(JSON.stringify(c.probe)));
        expect(c.cut).toBe(c.probe !== p);
      }
    }
  });
});
