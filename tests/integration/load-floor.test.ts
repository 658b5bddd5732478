// The load run's floor (`npm run load -- --floor`): the same driver against a Node HTTP server that
// only answers it. Pins that the floor is measured like mxray: every POST answered, every viewer sees
// the first event and the end, and the figures come out as numbers. 127.0.0.1, an ephemeral port.
import { describe, expect, it } from 'vitest';
import { runFloor } from '@/tests/fixtures/load-run';

describe('the load run floor', () => {
  it('drives the floor server like mxray: every check answered and watched to its end', async () => {
    const lines: string[] = [];
    const report = await runFloor({ root: process.cwd(), checks: 30, concurrency: 20, viewersPerCheck: 3, maxSeconds: 60, checkMs: 300, log: (l) => lines.push(l) });
    expect(report.errors).toEqual([]);
    expect(report.accepted).toBe(30);
    expect(report.viewers).toEqual({ opened: 90, completed: 90, errors: 0, disagreeing: 0 });
    for (const s of [report.postMs, report.firstEventMs]) {
      expect(Number.isFinite(s.p50) && Number.isFinite(s.p95)).toBe(true);
      expect(s.p50).toBeLessThanOrEqual(s.p95);
    }
    // The first event comes with the stream's opening, not at the check's end (300 ms later).
    expect(report.firstEventMs.p50).toBeLessThan(report.postMs.p50 + 300);
    expect(report.cpuSeconds.server).toBeGreaterThanOrEqual(report.cpuSeconds.serverMainThread);
    expect(lines.some((l) => l.startsWith('floor server http://127.0.0.1:'))).toBe(true);
    // The driver warmed up on a throw-away floor server first, the whole load once.
    expect(lines).toContain('driver warmed up: 30 checks, 90 viewers to the end');
  });
});
