/**
 * A small, bounded version of `npm run load -- --scaled` for CI: that its code runs end to end on
 * real PostgreSQL, Redis and BullMQ, with two web instances and one worker then two, and that
 * nothing is lost. No timing is asserted (CI asserts no times); held concurrency is a count: the
 * workers never run more than their WORKER_CONCURRENCY together. Fixture servers bind
 * 127.131.20.0–127.131.25.255.
 */
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { runScaledLoad, type ScaledLoadReport } from '@/tests/fixtures/scaled-load-run';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const W = 2;
let report: ScaledLoadReport;

beforeAll(async () => {
  report = await runScaledLoad({
    root: ROOT,
    checksPerPhase: 8,
    concurrency: 6,
    viewersPerCheck: 2,
    workerConcurrency: W,
    webInstances: 2,
    maxSeconds: 150,
    lab: { block: 131, base: 20, suffix: 'scaled-load-e2e.test', hostsPerKind: 2, greetingDelayMs: 500, hostileShare: 0 },
  });
}, 170_000);

describe('scaled load run (one worker, then two)', () => {
  it('accepts every check in both phases and ends each with a result; every viewer, on either web instance, sees the end', () => {
    for (const p of [report.oneWorker, report.twoWorkers]) {
      expect(p.refused).toEqual({});
      expect(p.accepted).toBe(8);
      expect(p.lost).toBe(0);
      expect(p.done).toBe(8);
      expect(p.errors).toEqual([]);
      expect(p.viewers).toEqual({ opened: 16, completed: 16, errors: 0, disagreeing: 0 });
      expect(p.postMs.p95).toBeGreaterThan(0);
      expect(p.firstEventMs.p95).toBeGreaterThan(0);
    }
    expect([report.oneWorker.workers, report.twoWorkers.workers]).toEqual([1, 2]);
  });

  it('holds at most WORKER_CONCURRENCY checks per worker, and reports the two-over-one ratios', () => {
    expect(report.oneWorker.heldConcurrency).toBeGreaterThan(0);
    expect(report.oneWorker.heldConcurrency).toBeLessThanOrEqual(W);
    expect(report.twoWorkers.heldConcurrency).toBeLessThanOrEqual(2 * W);
    expect(Number.isFinite(report.ratio.heldConcurrency)).toBe(true);
    expect(Number.isFinite(report.ratio.checksPerSecond)).toBe(true);
  });
});
