import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import type { CheckEngine } from '@/lib/probe/engine';
import type { CheckEvent } from '@/lib/probe/schema';
import type { ProbeLogger } from '@/lib/probe/types';
import { createRunner, type CheckEnd, type Runner, type RunnerOptions } from '@/lib/checks/runner';
import type { CheckStore } from '@/lib/store/check-store';
import { createSqliteStore } from '@/lib/store/sqlite-store';
import { createFakeEngine, createGate, fakeEvents, fakeResult, fakeTarget } from '@/tests/fixtures/fake-engine';

const EVENTS = fakeEvents(fakeTarget('example.test')).length;

function recordingLogger() {
  const lines: { level: string; obj: Record<string, unknown>; msg?: string }[] = [];
  const at = (level: string) => (obj: object, msg?: string) => lines.push({ level, obj: obj as Record<string, unknown>, msg });
  const logger: ProbeLogger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  return { logger, lines, finished: () => lines.filter((l) => l.msg === 'check finished') };
}

function testClock(start = 1_000_000) {
  let t = start;
  return { now: () => t, monotonic: () => t, advance: (ms: number) => (t += ms) };
}

const stores: CheckStore[] = [];
const runners: Runner[] = [];
afterEach(async () => {
  for (const r of runners.splice(0)) await r.shutdown(0);
  for (const s of stores.splice(0)) await s.close();
});

function setup(overrides: Partial<RunnerOptions> = {}) {
  const store = overrides.store ?? createSqliteStore({ file: ':memory:' });
  stores.push(store);
  const log = recordingLogger();
  const clock = testClock();
  const engine = overrides.engine ?? createFakeEngine();
  const runner = createRunner({
    engine,
    store,
    logger: log.logger,
    maxConcurrent: 4,
    queueSize: 4,
    dedupeWindowMs: 60_000,
    clock,
    ...overrides,
  });
  runners.push(runner);
  return { runner, store, log, clock, engine };
}

/** Collects what a subscriber receives and resolves when the stream ends. */
function collect(runner: Runner, id: string, afterSeq = 0) {
  const seqs: number[] = [];
  const events: CheckEvent[] = [];
  let resolveEnd!: (e: CheckEnd) => void;
  const ended = new Promise<CheckEnd>((r) => (resolveEnd = r));
  const unsubscribe = runner.subscribe(id, afterSeq, {
    event: (seq, event) => {
      seqs.push(seq);
      events.push(event);
    },
    end: (e) => resolveEnd(e),
  });
  return { seqs, events, ended, unsubscribe };
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

async function waitFor(cond: () => boolean | Promise<boolean>, ms = 2_000) {
  const until = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 2));
  }
}

describe('check runner', () => {
  it('runs a check in the background, persists every event in order and stores the result', async () => {
    const { runner, store, log } = setup();
    const started = await runner.start('Example.TEST', 'domain', '203.0.113.1');
    expect(started).toMatchObject({ ok: true, deduped: false, status: 'running' });
    if (!started.ok) throw new Error('unreachable');
    const sub = collect(runner, started.id);
    expect(await sub.ended).toEqual({ status: 'done' });
    const stored = await store.listEvents(started.id);
    expect(stored.map((s) => s.seq)).toEqual(range(1, EVENTS));
    expect(stored.map((s) => s.event)).toEqual(sub.events);
    expect(stored.at(-1)?.event.type).toBe('check-done');
    const view = await runner.getCheck(started.id);
    expect(view).toMatchObject({ status: 'done', target: { domain: 'example.test' }, reason: null });
    expect(view?.result?.summary.verdict).toBe('ok');
    await waitFor(() => log.finished().length === 1);
    expect(log.finished()[0]?.obj).toMatchObject({
      checkId: started.id,
      domain: 'example.test',
      mode: 'domain',
      outcome: 'done',
      verdict: 'ok',
      incomplete: false,
      durationMs: expect.any(Number),
    });
  });

  it('refuses input the engine refuses, without creating a check', async () => {
    const { runner, engine } = setup();
    expect(await runner.start('127.0.0.1', 'domain', 'c')).toMatchObject({
      ok: false,
      code: 'invalid_input',
      reason: 'ip-literal',
    });
    expect((engine as ReturnType<typeof createFakeEngine>).runs).toHaveLength(0);
  });

  it('answers a repeated request with the running check, even when both arrive at once', async () => {
    const gate = createGate();
    const engine = createFakeEngine({ beforeEvent: (i) => (i === 1 ? gate.wait() : undefined) });
    const { runner } = setup({ engine });
    const [a, b, c] = await Promise.all([
      runner.start('example.test', 'domain', 'x'),
      runner.start('example.test', 'domain', 'y'),
      runner.start('EXAMPLE.test.', 'domain', 'z'),
    ]);
    expect(a).toMatchObject({ ok: true, deduped: false });
    expect(b).toMatchObject({ ok: true, deduped: true, status: 'running', id: a.ok && a.id });
    expect(c).toMatchObject({ ok: true, deduped: true, id: a.ok && a.id });
    expect(await runner.start('example.test', 'host', 'x')).toMatchObject({ ok: true, deduped: false });
    // A host check that asks for the relay test is another check, not the one without it.
    expect(await runner.start('example.test', 'host', 'x', { relayTest: true })).toMatchObject({ ok: true, deduped: false });
    expect(await runner.start('example.test', 'host', 'y', { relayTest: true })).toMatchObject({ ok: true, deduped: true });
    expect(engine.runs.map((r) => [r.target.mode, r.target.relayTest ?? false])).toEqual([
      ['domain', false],
      ['host', false],
      ['host', true],
    ]);
    gate.open();
  });

  it('answers with a check finished within the window, and probes again after it', async () => {
    const { runner, clock, engine } = setup({ dedupeWindowMs: 60_000 });
    const first = await runner.start('example.test', 'domain', 'x');
    if (!first.ok) throw new Error('unreachable');
    await collect(runner, first.id).ended;
    clock.advance(59_000);
    expect(await runner.start('example.test', 'domain', 'y')).toEqual({
      ok: true,
      id: first.id,
      status: 'done',
      deduped: true,
    });
    clock.advance(2_000);
    const later = await runner.start('example.test', 'domain', 'y');
    expect(later).toMatchObject({ ok: true, deduped: false });
    expect(later.ok && later.id).not.toBe(first.id);
    expect((engine as ReturnType<typeof createFakeEngine>).runs).toHaveLength(2);
  });

  it('queues beyond the concurrency bound, refuses beyond the queue, and drains the queue', async () => {
    const gate = createGate();
    const engine = createFakeEngine({ beforeEvent: () => gate.wait() });
    const { runner } = setup({ engine, maxConcurrent: 2, queueSize: 1, saturatedRetryAfterSec: 7 });
    const [a, b, c] = await Promise.all(['a.test', 'b.test', 'c.test'].map((d) => runner.start(d, 'domain', 'k')));
    expect([a, b, c].map((s) => s?.ok && s.status)).toEqual(['running', 'running', 'queued']);
    expect(runner.stats()).toMatchObject({ running: 2, queued: 1 });
    expect(await runner.start('d.test', 'domain', 'k')).toEqual({
      ok: false,
      code: 'saturated',
      message: expect.any(String),
      retryAfterSec: 7,
    });
    // a deduped request costs no capacity
    expect(await runner.start('c.test', 'domain', 'k')).toMatchObject({ ok: true, deduped: true, status: 'queued' });
    if (!c?.ok) throw new Error('unreachable');
    expect((await runner.getCheck(c.id))?.status).toBe('queued');
    expect(engine.runs).toHaveLength(2);
    gate.open();
    expect(await collect(runner, c.id).ended).toEqual({ status: 'done' });
    expect(engine.runs).toHaveLength(3);
    expect(runner.stats()).toMatchObject({ running: 0, queued: 0 });
  });

  it('caps the checks one client has queued or running, leaving room for the others', async () => {
    const gate = createGate();
    const engine = createFakeEngine({ beforeEvent: () => gate.wait() });
    const { runner } = setup({ engine, maxConcurrent: 2, queueSize: 10, maxPerClient: 3 });
    for (const d of ['a.test', 'b.test', 'c.test']) expect(await runner.start(d, 'domain', 'greedy')).toMatchObject({ ok: true });
    expect(await runner.start('d.test', 'domain', 'greedy')).toMatchObject({ ok: false, code: 'client_busy' });
    // a repeated request for one of its own checks is a dedupe, not a new check
    expect(await runner.start('a.test', 'domain', 'greedy')).toMatchObject({ ok: true, deduped: true });
    // another client still gets a place in the queue
    const other = await runner.start('e.test', 'domain', 'polite');
    expect(other).toMatchObject({ ok: true, deduped: false });
    gate.open();
    if (!other.ok) throw new Error('unreachable');
    await collect(runner, other.id).ended;
    await new Promise((r) => setTimeout(r, 0));
    // its checks over, the client may start again
    expect(await runner.start('d.test', 'domain', 'greedy')).toMatchObject({ ok: true, deduped: false });
  });

  it('keeps unlisted checks out of dedupe and domain look-ups', async () => {
    const { runner, store } = setup();
    const secret = await runner.start('private.test', 'domain', 'k', { visibility: 'unlisted' });
    if (!secret.ok) throw new Error('unreachable');
    await collect(runner, secret.id).ended;
    // a public request for the same domain is a new check, not the unlisted one
    const open = await runner.start('private.test', 'domain', 'k');
    expect(open).toMatchObject({ ok: true, deduped: false });
    if (!open.ok) throw new Error('unreachable');
    expect(open.id).not.toBe(secret.id);
    await collect(runner, open.id).ended;
    expect((await store.findLatestDone('private.test', 'domain'))?.id).toBe(open.id);
    // and a second unlisted request gets its own check too
    const again = await runner.start('private.test', 'domain', 'k', { visibility: 'unlisted' });
    expect(again).toMatchObject({ ok: true, deduped: false });
    // the unlisted check stays reachable by its id
    expect((await runner.getCheck(secret.id))?.status).toBe('done');
  });

  it('never answers with an unlisted check that is still running', async () => {
    const gate = createGate();
    const { runner, store } = setup({ engine: createFakeEngine({ beforeEvent: () => gate.wait() }) });
    const secret = await runner.start('quiet.test', 'domain', 'k', { visibility: 'unlisted' });
    expect(await store.findRecent('quiet.test', 'domain', 0)).toBeNull();
    const open = await runner.start('quiet.test', 'domain', 'k');
    expect(open.ok && secret.ok && open.id !== secret.id && !open.deduped).toBe(true);
    gate.open();
  });

  it('replays then tails: a viewer attaching mid-check gets every event once, in order', async () => {
    const gates = Array.from({ length: EVENTS }, () => createGate());
    const engine = createFakeEngine({ beforeEvent: (i) => gates[i]!.wait() });
    const { runner } = setup({ engine });
    const s = await runner.start('example.test', 'domain', 'k');
    if (!s.ok) throw new Error('unreachable');
    for (const g of gates.slice(0, 5)) g.open();
    const early = collect(runner, s.id);
    await waitFor(() => early.seqs.length === 5);
    const fromSeq3 = collect(runner, s.id, 3);
    await waitFor(() => fromSeq3.seqs.length === 2);
    for (const g of gates.slice(5)) g.open();
    const late = collect(runner, s.id);
    for (const sub of [early, late]) {
      expect(await sub.ended).toEqual({ status: 'done' });
      expect(sub.seqs).toEqual(range(1, EVENTS));
    }
    await fromSeq3.ended;
    expect(fromSeq3.seqs).toEqual(range(4, EVENTS));
  });

  it('loses nothing when events are persisted while a slow replay reads the store', async () => {
    const inner = createSqliteStore({ file: ':memory:' });
    let slow = false;
    const store: CheckStore = {
      ...inner,
      // a store that answers late (as Postgres would), so live events arrive during replay
      listEvents: async (id, after) => {
        const rows = await inner.listEvents(id, after);
        if (slow) await new Promise((r) => setTimeout(r, 30));
        return rows;
      },
    };
    const gate = createGate();
    const engine = createFakeEngine({ beforeEvent: (i) => (i === 3 ? gate.wait() : undefined) });
    const { runner } = setup({ engine, store });
    const s = await runner.start('example.test', 'domain', 'k');
    if (!s.ok) throw new Error('unreachable');
    await waitFor(async () => (await inner.listEvents(s.id)).length === 3);
    slow = true;
    const sub = collect(runner, s.id);
    gate.open(); // the rest of the check, including its end, lands while the replay is asleep
    expect(await sub.ended).toEqual({ status: 'done' });
    expect(sub.seqs).toEqual(range(1, EVENTS));
  });

  it('ends at once for a finished check, after replaying what the viewer has not seen', async () => {
    const { runner } = setup();
    const s = await runner.start('example.test', 'domain', 'k');
    if (!s.ok) throw new Error('unreachable');
    await collect(runner, s.id).ended;
    const again = collect(runner, s.id, EVENTS - 2);
    expect(await again.ended).toEqual({ status: 'done' });
    expect(again.seqs).toEqual([EVENTS - 1, EVENTS]);
  });

  it('marks a check interrupted when the engine throws, and tells its viewers', async () => {
    const { runner, log } = setup({ engine: createFakeEngine({ failAt: 4 }) });
    const s = await runner.start('example.test', 'domain', 'k');
    if (!s.ok) throw new Error('unreachable');
    const sub = collect(runner, s.id);
    expect(await sub.ended).toEqual({ status: 'interrupted', reason: 'engine-error' });
    expect(sub.seqs).toEqual([1, 2, 3, 4]);
    expect(await runner.getCheck(s.id)).toMatchObject({ status: 'interrupted', reason: 'engine-error', result: null });
    await waitFor(() => log.finished().length === 1);
    expect(log.finished()[0]?.obj).toMatchObject({ checkId: s.id, outcome: 'interrupted', reason: 'engine-error' });
    // an interrupted check is not reused
    expect(await runner.start('example.test', 'domain', 'k')).toMatchObject({ ok: true, deduped: false });
  });

  it("records the engine's returned result when it never yielded 'check-done'", async () => {
    const base = createFakeEngine();
    const engine: CheckEngine = {
      prepare: base.prepare,
      async *run(target) {
        yield { type: 'check-started', target, startedAt: new Date().toISOString() };
        return fakeResult(target);
      },
    };
    const { runner, store } = setup({ engine });
    const s = await runner.start('example.test', 'domain', 'k');
    if (!s.ok) throw new Error('unreachable');
    expect(await collect(runner, s.id).ended).toEqual({ status: 'done' });
    expect((await store.listEvents(s.id)).map((e) => e.event.type)).toEqual(['check-started', 'check-done']);
  });

  it('on creation, marks checks a previous process left running as interrupted', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mxray-runner-'));
    const file = path.join(dir, 'mxray.sqlite');
    const previous = createSqliteStore({ file });
    await previous.createCheck({ id: 'left-running-by-crash01', target: fakeTarget('a.test'), createdAt: 1 });
    await previous.close();
    const store = createSqliteStore({ file });
    onTestFinished(() => fs.rmSync(dir, { recursive: true, force: true }));
    const { runner } = setup({ store });
    await runner.ready;
    expect(await runner.getCheck('left-running-by-crash01')).toMatchObject({ status: 'interrupted', reason: 'restart' });
  });

  it('on shutdown, refuses new checks, lets quick ones finish, and interrupts the rest', async () => {
    const hold = createGate();
    const engine = createFakeEngine({ beforeEvent: (i, t) => (t.domain === 'slow.test' && i === 2 ? hold.wait() : undefined) });
    const { runner, log } = setup({ engine, maxConcurrent: 1, queueSize: 2 });
    const slow = await runner.start('slow.test', 'domain', 'k');
    const queued = await runner.start('queued.test', 'domain', 'k');
    if (!slow.ok || !queued.ok) throw new Error('unreachable');
    expect(queued.status).toBe('queued');
    const slowSub = collect(runner, slow.id);
    const queuedSub = collect(runner, queued.id);
    await waitFor(() => slowSub.seqs.length === 2);

    const stopping = runner.shutdown(100);
    // The grace period comes first: the running check is not cancelled at once. (Event order,
    // not the wall clock: a timer due in 100 ms cannot run before this immediate.)
    await new Promise((r) => setImmediate(r));
    expect(engine.runs[0]?.signal?.aborted).toBe(false);
    await stopping;
    expect(await slowSub.ended).toEqual({ status: 'interrupted', reason: 'shutdown' });
    expect(await queuedSub.ended).toEqual({ status: 'interrupted', reason: 'shutdown' });
    expect(engine.runs.map((r) => [r.target.domain, r.signal?.aborted])).toEqual([['slow.test', true]]);
    expect(await runner.getCheck(slow.id)).toMatchObject({ status: 'interrupted', reason: 'shutdown' });
    expect(await runner.getCheck(queued.id)).toMatchObject({ status: 'interrupted' });
    expect(await runner.start('new.test', 'domain', 'k')).toMatchObject({ ok: false, code: 'saturated' });
    expect(log.finished().map((l) => l.obj.outcome)).toEqual(['interrupted', 'interrupted']);
    expect(runner.stats()).toMatchObject({ running: 0, queued: 0 });
  });

  it('on shutdown, a check that finishes within the grace period is stored as done', async () => {
    const hold = createGate();
    const engine = createFakeEngine({ beforeEvent: (i) => (i === 2 ? hold.wait() : undefined) });
    const { runner } = setup({ engine });
    const s = await runner.start('example.test', 'domain', 'k');
    if (!s.ok) throw new Error('unreachable');
    const sub = collect(runner, s.id);
    await waitFor(() => sub.seqs.length === 2);
    const down = runner.shutdown(5_000);
    setTimeout(() => hold.open(), 20);
    await down;
    expect(await sub.ended).toEqual({ status: 'done' });
    expect((await runner.getCheck(s.id))?.status).toBe('done');
  });
});
