/**
 * A small, bounded version of `npm run load` for CI: the production server under concurrent checks
 * (some against hostile fixture servers) with several SSE viewers each, then SIGKILLed in the middle
 * of more checks and restarted on the same data directory. Asserts what the issue asks: nothing is
 * lost, stored results survive intact, in-flight checks are marked interrupted. No timing is
 * asserted. Fixture servers bind 127.70.100.0–127.70.105.255.
 */
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { runLoad, type LoadReport } from '@/tests/fixtures/load-run';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
let report: LoadReport;

beforeAll(async () => {
  report = await runLoad({
    root: ROOT,
    checks: 24,
    concurrency: 12,
    viewersPerCheck: 3,
    crashChecks: 16,
    maxSeconds: 150,
    // every fourth domain hostile: tarpit, silence, floods, resets, nothing listening
    lab: { block: 70, base: 100, suffix: 'load-e2e.test', hostsPerKind: 2, greetingDelayMs: 1_000, hostileShare: 0.25 },
  });
}, 170_000);

describe('load: many checks, many viewers', () => {
  it('accepts every check and ends every one with a stored result (nothing lost)', () => {
    const l = report.load;
    expect(l.refused).toEqual({});
    expect(l.accepted).toBe(24);
    expect(l.done + l.interrupted).toBe(l.accepted);
    expect(l.lost).toBe(0);
    expect(l.errors).toEqual([]);
  });

  it('every SSE viewer of a check sees the whole log to its end, and all viewers agree', () => {
    const v = report.load.viewers;
    expect(v.opened).toBe(24 * 3);
    expect(v.completed).toBe(v.opened);
    expect(v.errors).toBe(0);
    expect(v.disagreeing).toBe(0);
  });

  it('ran the checks in the engine thread and wrote them in the store-writer thread, which shares the web thread\'s one copy of SQLite', () => {
    expect(report.load.runner.thread).toBe(true);
    // Both threads named themselves and did the work (probing; every event's write).
    expect(report.load.cpuSeconds.engineThread).toBeGreaterThan(0);
    expect(report.load.cpuSeconds.writerThread).toBeGreaterThan(0);
    // Two copies of SQLite in one process would corrupt the file (lib/store/sqlite-store.ts).
    expect(report.load.runner.sqliteAddons).toHaveLength(1);
    expect(report.load.cpuSeconds.serverMainThread).toBeLessThan(report.load.cpuSeconds.server);
  });

  it('ran checks concurrently and reports its figures', () => {
    expect(report.load.heldConcurrency).toBeGreaterThan(1);
    expect(report.load.serverRssMb.peak).toBeGreaterThan(0);
    expect(Number.isFinite(report.load.finalMs.p95)).toBe(true);
  });
});

describe('crash: SIGKILL mid-load, restart on the same data directory', () => {
  it('had checks both finished and in flight when the server was killed', () => {
    const c = report.crash;
    expect(c.started).toBe(16);
    expect(c.doneBeforeKill).toBeGreaterThan(0);
    expect(c.inFlightAtKill).toBeGreaterThan(0);
  });

  it('keeps every stored result intact and marks the in-flight checks interrupted', () => {
    const c = report.crash;
    expect(c.errors).toEqual([]);
    expect(c.intactAfterRestart).toBe(c.doneBeforeKill);
    expect(c.changedAfterRestart).toBe(0);
    expect(c.interruptedAfterRestart + c.finishedJustBeforeKill).toBe(c.inFlightAtKill);
    expect(c.interruptedAfterRestart).toBeGreaterThan(0);
    expect(c.lost).toBe(0);
    // and the first phase's results, written long before the kill, are untouched
    expect(c.loadResultsIntact).toBe(report.load.accepted);
  });
});
