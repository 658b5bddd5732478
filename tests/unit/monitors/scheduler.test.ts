/**
 * The in-process scheduler on a real SQLite store and the real runner, with a scripted engine, a
 * fake clock and a fake webhook sender: catch-up after downtime, jitter, deliveries with backoff,
 * and a restart in the middle of a run and of a delivery attempt.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createRunner, type Runner } from '@/lib/checks/runner';
import { createMonitor } from '@/lib/monitors/manage-monitor';
import { nextRunAfter, type MonitorJobDeps } from '@/lib/monitors/monitor-jobs';
import { createInProcessScheduler, type MonitorScheduler } from '@/lib/monitors/scheduler';
import { MonitorConditionsSchema, WebhookPayloadSchema } from '@/lib/monitors/schemas';
import { verifySignature } from '@/lib/monitors/webhook-signature';
import type { AttemptResult } from '@/lib/monitors/webhook-client';
import type { CheckEngine } from '@/lib/probe/engine';
import { silentLogger } from '@/lib/probe/types';
import { createSqliteStore, type SqliteStore } from '@/lib/store/sqlite-store';
import { SAMPLE_RESULT } from '@/tests/fixtures/sample-result';
import { createGate } from '@/tests/fixtures/fake-engine';
import { closePort587, scriptedEngine } from '@/tests/fixtures/monitor-engine';

const HOUR = 3_600;
const T0 = Date.parse('2026-12-01T00:00:00Z');

function fakeClock(start = T0) {
  let t = start;
  return { now: () => t, monotonic: () => t, set: (v: number) => (t = v), advance: (ms: number) => (t += ms) };
}

interface World {
  store: SqliteStore;
  runner: Runner;
  scheduler: MonitorScheduler;
  deps: MonitorJobDeps;
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function world(opts: {
  file?: string;
  clock: ReturnType<typeof fakeClock>;
  engine: CheckEngine;
  post: MonitorJobDeps['post'];
  random?: () => number;
}): World {
  const store = createSqliteStore({ file: opts.file ?? ':memory:', now: opts.clock.now });
  const runner = createRunner({ engine: opts.engine, store, logger: silentLogger, maxConcurrent: 4, queueSize: 4, dedupeWindowMs: 0, clock: opts.clock });
  const deps: MonitorJobDeps = {
    monitors: store,
    runner,
    post: opts.post,
    backoff: { baseMs: 60_000, maxMs: 3_600_000, maxAttempts: 3 },
    clock: opts.clock,
    logger: silentLogger,
    random: opts.random ?? (() => 0.5),
    jitterMaxMs: 300_000,
    retryRunMs: 60_000,
    deliveryLeaseMs: 120_000,
  };
  const scheduler = createInProcessScheduler({ ...deps, pollMs: 3_600_000, maxConcurrentRuns: 2, maxConcurrentDeliveries: 4, ready: runner.ready });
  cleanups.push(async () => {
    await scheduler.stop(0);
    await runner.shutdown(0);
    await store.close();
  });
  return { store, runner, scheduler, deps };
}

async function newMonitor(w: World, clock: ReturnType<typeof fakeClock>, domain = 'example.test', random = () => 0) {
  const created = await createMonitor(
    { store: w.store, checkUrl: async (url) => ({ ok: true, url: new URL(url), host: 'hook.test', port: 443, targets: [] }), limits: { perClient: 10, total: 100, jitterMaxMs: 300_000 }, clock, random },
    { domain, interval: HOUR, conditions: MonitorConditionsSchema.parse({ certExpiresWithinDays: null }), targets: [{ type: 'webhook', url: 'https://hook.test/in' }] },
    { client: 'test-client', origin: 'https://mxray.test' },
  );
  if (!created.ok) throw new Error(created.message);
  return created.monitor;
}

async function pass(w: World): Promise<void> {
  await w.scheduler.tick();
  await w.scheduler.idle();
}

const delivered = async (): Promise<AttemptResult> => ({ outcome: 'delivered', httpStatus: 204, error: null, durationMs: 3 });

describe('monitor scheduler', () => {
  it('after downtime runs a missed run once, not once per missed interval, and schedules the next from now', async () => {
    const clock = fakeClock();
    const { engine, state } = scriptedEngine();
    const w = world({ clock, engine, post: delivered });
    const m = await newMonitor(w, clock);
    expect(m.nextRunAt).toBe(T0); // random 0: no first-run delay
    clock.advance(10 * HOUR * 1000 + 5_000); // ten intervals of downtime
    await pass(w);
    await pass(w);
    expect(state.runs).toBe(1);
    const after = (await w.store.getMonitor(m.id))!;
    // one interval from the run (not from the missed time), plus jitter: 0.5 × min(300 s, interval / 10)
    expect(after.nextRunAt).toBe(clock.now() + HOUR * 1000 + 150_000);
    expect(after.lastCheckId).not.toBeNull();
    expect(after.pendingSince).toBeNull();
    // the run is an ordinary public check of the domain: it shows in the history
    const history = await w.store.listDomainChecks('example.test', { limit: 5 });
    expect(history.map((c) => c.id)).toEqual([after.lastCheckId]);
    clock.set(after.nextRunAt);
    await pass(w);
    expect(state.runs).toBe(2);
  });

  it('spreads monitors created together over the jitter window, never beyond a tenth of the interval', async () => {
    const clock = fakeClock();
    const w = world({ clock, engine: scriptedEngine().engine, post: delivered });
    const starts = [];
    for (const r of [0, 0.25, 0.5, 0.999]) starts.push((await newMonitor(w, clock, 'example.test', () => r)).nextRunAt - T0);
    expect(starts).toEqual([0, 75_000, 150_000, 299_700]);
    expect(nextRunAfter({ jitterMaxMs: 24 * HOUR * 1000, random: () => 0.999999 }, { intervalSec: HOUR }, T0) - T0).toBeLessThan(HOUR * 1000 * 1.1);
    expect(nextRunAfter({ jitterMaxMs: 0, random: () => 0.9 }, { intervalSec: HOUR }, T0) - T0).toBe(HOUR * 1000);
  });

  it('runs one monitor per domain at a time (per-target fairness) and the others of that domain on a later pass', async () => {
    const clock = fakeClock();
    const { engine, state } = scriptedEngine();
    const w = world({ clock, engine, post: delivered });
    await newMonitor(w, clock, 'example.test');
    await newMonitor(w, clock, 'example.test');
    const gate = createGate();
    state.hold = gate.wait();
    await w.scheduler.tick();
    await w.scheduler.tick();
    expect(state.runs).toBe(1);
    gate.open();
    await w.scheduler.idle();
    clock.advance(1_000); // past the first check's end: not answered by it (dedupe)
    await pass(w);
    expect(state.runs).toBe(2);
  });

  it('delivers a signed alert when a port closes, retries a failing receiver with backoff and logs every attempt', async () => {
    const clock = fakeClock();
    const { engine, state } = scriptedEngine();
    const answers: AttemptResult[] = [
      { outcome: 'http-status', httpStatus: 500, error: 'answered 500', durationMs: 4 },
      { outcome: 'timeout', httpStatus: null, error: 'no answer within the time budget', durationMs: 10_000 },
      { outcome: 'delivered', httpStatus: 200, error: null, durationMs: 5 },
    ];
    const sent: { url: string; body: string; headers: Record<string, string>; at: number }[] = [];
    const w = world({
      clock,
      engine,
      post: async (o) => {
        sent.push({ ...o, at: clock.now() });
        return answers.shift()!;
      },
    });
    const m = await newMonitor(w, clock);
    await pass(w); // first run: the baseline, no alert
    expect(sent).toHaveLength(0);
    state.result = closePort587(SAMPLE_RESULT);
    clock.set((await w.store.getMonitor(m.id))!.nextRunAt);
    await pass(w); // second run: the change is found and queued
    await pass(w); // first attempt
    expect(sent).toHaveLength(1);
    const body = WebhookPayloadSchema.parse(JSON.parse(sent[0]!.body));
    expect(body.reasons).toEqual(['port-changed']);
    expect(body.changes).toContainEqual(expect.objectContaining({ kind: 'port-status', port: 587, to: 'closed' }));
    expect(body.links.compare).toBe(`https://mxray.test/domain/example.test/compare?from=${body.previous!.id}&to=${body.check.id}`);
    expect(verifySignature({ header: sent[0]!.headers['Mxray-Signature']!, body: sent[0]!.body, secret: m.signingSecret, nowSec: clock.now() / 1000 })).toEqual({ ok: true, timestamp: Math.floor(clock.now() / 1000) });
    // not due before its backoff (60 s nominal, jittered to 45 s with random 0.5)
    clock.advance(44_000);
    await pass(w);
    expect(sent).toHaveLength(1);
    clock.advance(1_000);
    await pass(w);
    expect(sent).toHaveLength(2);
    clock.advance(89_000); // 120 s nominal → 90 s
    await pass(w);
    expect(sent).toHaveLength(2);
    clock.advance(1_000);
    await pass(w);
    expect(sent).toHaveLength(3);
    expect(new Set(sent.map((s) => s.body)).size).toBe(1); // the same bytes on every retry
    const [d] = await w.store.listDeliveries(m.id, 10);
    expect(d).toMatchObject({ status: 'delivered', attempts: 3, nextAttemptAt: null });
    expect(d!.attemptLog.map((a) => [a.n, a.outcome, a.httpStatus])).toEqual([
      [1, 'http-status', 500],
      [2, 'timeout', null],
      [3, 'delivered', 200],
    ]);
  });

  it('gives a delivery up as failed after the last attempt', async () => {
    const clock = fakeClock();
    const { engine, state } = scriptedEngine();
    let calls = 0;
    const w = world({ clock, engine, post: async () => (calls++, { outcome: 'refused-address', httpStatus: null, error: 'refused', durationMs: 1 }) });
    const m = await newMonitor(w, clock);
    await pass(w);
    state.result = closePort587(SAMPLE_RESULT);
    clock.set((await w.store.getMonitor(m.id))!.nextRunAt);
    await pass(w);
    for (let i = 0; i < 6; i++) {
      await pass(w);
      clock.advance(3_600_000);
    }
    expect(calls).toBe(3);
    const [d] = await w.store.listDeliveries(m.id, 10);
    expect(d).toMatchObject({ status: 'failed', attempts: 3, nextAttemptAt: null });
  });

  it('loses neither the schedule nor a delivery when the process stops during a run and during an attempt', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mxray-monitor-restart-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'mxray.sqlite');
    const clock = fakeClock();

    // First process: a baseline run, then a run held in the middle, then stopped.
    const first = scriptedEngine();
    const hangingPost = createGate();
    const w1 = world({ file, clock, engine: first.engine, post: async () => (await hangingPost.wait(), delivered()) });
    const m = await newMonitor(w1, clock);
    await pass(w1);
    const baseline = (await w1.store.getMonitor(m.id))!.lastCheckId;
    first.state.result = closePort587(SAMPLE_RESULT);
    first.state.hold = createGate().wait(); // never opens: the run is cut by the stop
    clock.set((await w1.store.getMonitor(m.id))!.nextRunAt);
    await w1.scheduler.tick();
    await new Promise((r) => setTimeout(r, 20));
    const mid = (await w1.store.getMonitor(m.id))!;
    expect(mid.pendingCheckId).not.toBeNull();
    await w1.scheduler.stop(0);
    await w1.runner.shutdown(0); // the check is interrupted, as a restart leaves it
    await w1.store.close();

    // Second process on the same file: the missed run runs (once), finds the change, queues the alert.
    const second = scriptedEngine();
    second.state.result = closePort587(SAMPLE_RESULT);
    const gate2 = createGate();
    const w2 = world({ file, clock, engine: second.engine, post: async () => (await gate2.wait(), delivered()) });
    clock.advance(5_000);
    await w2.scheduler.start();
    await pass(w2);
    expect(second.state.runs).toBe(1);
    const afterRun = (await w2.store.getMonitor(m.id))!;
    expect(afterRun.pendingSince).toBeNull();
    expect(afterRun.lastCheckId).not.toBe(baseline);
    // the attempt starts and the process stops before it ends
    await w2.scheduler.tick();
    await new Promise((r) => setTimeout(r, 20));
    const [inFlight] = await w2.store.listDeliveries(m.id, 10);
    expect(inFlight).toMatchObject({ status: 'pending', attempts: 0 });
    await w2.scheduler.stop(0);
    await w2.runner.shutdown(0);
    await w2.store.close();

    // Third process: once the attempt's lease has run out, the delivery is sent.
    const sent: string[] = [];
    const w3 = world({ file, clock, engine: scriptedEngine().engine, post: async (o) => (sent.push(o.body), delivered()) });
    await w3.scheduler.start();
    await pass(w3);
    expect(sent).toHaveLength(0); // still leased to the attempt that was cut short
    clock.advance(120_000);
    await pass(w3);
    expect(sent).toHaveLength(1);
    expect(WebhookPayloadSchema.parse(JSON.parse(sent[0]!)).reasons).toEqual(['port-changed']);
    const [done] = await w3.store.listDeliveries(m.id, 10);
    expect(done).toMatchObject({ status: 'delivered', attempts: 1 });
    // and the schedule is still there: the next regular run is one interval after the recovered one
    expect((await w3.store.getMonitor(m.id))!.nextRunAt).toBeGreaterThan(clock.now());
  });
});
