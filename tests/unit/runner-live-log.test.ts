/**
 * A viewer attaching to a running check replays it from the runner's memory (lib/checks/live-log.ts)
 * instead of the store: the same events, seqs and JSON the store holds, each once and in order,
 * with Last-Event-ID resume; a check that ended or was interrupted, or whose log is not whole in
 * memory, replays from the store as before.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createInlineExecutor, startedEvent, type CheckExecutor } from '@/lib/checks/check-executor';
import { eventJson } from '@/lib/checks/event-json';
import { createLiveLog } from '@/lib/checks/live-log';
import { createRunner, type CheckEnd, type Runner } from '@/lib/checks/runner';
import type { CheckEngine } from '@/lib/probe/engine';
import type { CheckEvent } from '@/lib/probe/schema';
import { silentLogger, systemClock } from '@/lib/probe/types';
import type { CheckStore } from '@/lib/store/check-store';
import { createSqliteStore, type SqliteStore } from '@/lib/store/sqlite-store';
import { createFakeEngine, createGate, fakeEvents, fakeTarget } from '@/tests/fixtures/fake-engine';

const EVENTS = fakeEvents(fakeTarget('example.test')).length;
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('live log', () => {
  it('answers a check only whole: from seq 1, one seq at a time', () => {
    const log = createLiveLog();
    log.append('a', 2, '{"type":"x"}');
    expect(log.after('a', 0)).toBeUndefined();
    log.append('a', 1, '{"type":"one"}');
    log.append('a', 2, '{"type":"two"}');
    expect(log.after('a', 0)?.map((s) => [s.seq, s.event])).toEqual([
      [1, { type: 'one' }],
      [2, { type: 'two' }],
    ]);
    expect(log.after('a', 1)?.map((s) => s.seq)).toEqual([2]);
    expect(log.after('a', 5)).toEqual([]);
    // A gap: the log is no longer whole, and the check's viewers go to the store.
    log.append('a', 4, '{"type":"four"}');
    expect(log.after('a', 0)).toBeUndefined();
    log.append('a', 5, '{"type":"five"}');
    expect(log.after('a', 0)).toBeUndefined();
    expect(log.size()).toEqual({ checks: 0, bytes: 0 });
  });

  it('replayed events carry their stored JSON, not a new serialisation', () => {
    const log = createLiveLog();
    const json = '{"type":"check-started","b":1,"a":2}';
    log.append('a', 1, json);
    const [first] = log.after('a', 0)!;
    expect(eventJson(first!.event)).toBe(json);
  });

  it('drops a check whose next event would pass the byte budget, and keeps the others', () => {
    const log = createLiveLog(40);
    log.append('a', 1, '{"type":"aaaaaaaaaa"}'); // 21 bytes
    log.append('b', 1, '{"type":"bbbb"}'); // 15 bytes
    log.append('a', 2, '{"type":"x"}'); // 12 more: over 40
    expect(log.after('a', 0)).toBeUndefined();
    expect(log.after('b', 0)?.map((s) => s.seq)).toEqual([1]);
    expect(log.size()).toEqual({ checks: 1, bytes: 15 });
    log.drop('b');
    expect(log.size()).toEqual({ checks: 0, bytes: 0 });
  });
});

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A store that counts the reads a replay makes. */
function countedStore() {
  const store = createSqliteStore({ file: ':memory:' });
  const reads = { getCheck: 0, listEvents: 0 };
  const counted: CheckStore = new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === 'getCheck') return (id: string) => (reads.getCheck++, target.getCheck(id));
      if (prop === 'listEvents') return (id: string, after?: number) => (reads.listEvents++, target.listEvents(id, after));
      const v: unknown = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
  return { store, counted, reads };
}

function setup(opts: { gateAt?: number; failAt?: number; executor?: (store: SqliteStore, engine: CheckEngine) => CheckExecutor; maxConcurrent?: number } = {}) {
  const { store, counted, reads } = countedStore();
  const gate = createGate();
  const engine = createFakeEngine({
    beforeEvent: (i) => (i === (opts.gateAt ?? 3) ? gate.wait() : undefined),
    ...(opts.failAt !== undefined ? { failAt: opts.failAt } : {}),
  });
  const runner: Runner = createRunner({
    engine,
    store: counted,
    logger: silentLogger,
    maxConcurrent: opts.maxConcurrent ?? 4,
    queueSize: 4,
    dedupeWindowMs: 0,
    ...(opts.executor ? { executor: opts.executor(store, engine) } : {}),
  });
  cleanups.push(async () => {
    gate.open();
    await runner.shutdown(0);
    await store.close();
  });
  return { runner, store, reads, gate };
}

function collect(runner: Runner, id: string, afterSeq = 0) {
  const got: { seq: number; event: CheckEvent; json: string }[] = [];
  const ended = new Promise<CheckEnd>((resolve) =>
    runner.subscribe(id, afterSeq, { event: (seq, event) => got.push({ seq, event, json: eventJson(event) }), end: resolve }),
  );
  return { got, ended };
}

async function start(runner: Runner, domain: string): Promise<string> {
  const s = await runner.start(domain, 'domain', 'client');
  if (!s.ok) throw new Error(s.message);
  return s.id;
}

async function until(cond: () => boolean | Promise<boolean>, ms = 2_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 2));
  }
}

describe('runner: replay of a running check from memory', () => {
  it('gives a viewer what the store holds, without reading the store, then the live events and the end', async () => {
    const { runner, store, reads, gate } = setup();
    const id = await start(runner, 'mid.example.test');
    await until(async () => (await store.listEvents(id)).length === 3);
    const before = { ...reads };
    const early = collect(runner, id);
    const resumed = collect(runner, id, 2);
    await until(() => early.got.length === 3 && resumed.got.length === 1);
    expect(reads).toEqual(before);
    const stored = await store.listEvents(id);
    expect(early.got.map((g) => [g.seq, g.json])).toEqual(stored.map((s) => [s.seq, JSON.stringify(s.event)]));
    expect(resumed.got.map((g) => g.seq)).toEqual([3]);
    gate.open();
    expect(await early.ended).toEqual({ status: 'done' });
    expect(await resumed.ended).toEqual({ status: 'done' });
    expect(early.got.map((g) => g.seq)).toEqual(range(1, EVENTS));
    expect(resumed.got.map((g) => g.seq)).toEqual(range(3, EVENTS));
    // Live and replayed alike, byte for byte what the store kept.
    const all = await store.listEvents(id);
    expect(early.got.map((g) => g.json)).toEqual(all.map((s) => JSON.stringify(s.event)));
    expect(reads).toEqual(before);
  });

  it('replays a finished check from the store', async () => {
    const { runner, reads, gate } = setup();
    const id = await start(runner, 'done.example.test');
    gate.open();
    await collect(runner, id).ended;
    const before = { ...reads };
    const late = collect(runner, id, EVENTS - 2);
    expect(await late.ended).toEqual({ status: 'done' });
    expect(late.got.map((g) => g.seq)).toEqual([EVENTS - 1, EVENTS]);
    expect(reads).toEqual({ getCheck: before.getCheck + 1, listEvents: before.listEvents + 1 });
  });

  it('replays an interrupted check from the store, with its reason', async () => {
    const { runner, store, reads } = setup();
    const id = await start(runner, 'cut.example.test');
    await until(async () => (await store.listEvents(id)).length === 3);
    const live = collect(runner, id);
    await runner.shutdown(0);
    expect(await live.ended).toEqual({ status: 'interrupted', reason: 'shutdown' });
    const before = { ...reads };
    const late = collect(runner, id);
    expect(await late.ended).toEqual({ status: 'interrupted', reason: 'shutdown' });
    expect(late.got.map((g) => g.seq)).toEqual(range(1, 3));
    expect(reads.listEvents).toBe(before.listEvents + 1);
  });

  it('a check created with its first event (a threaded executor) replays it from memory while queued', async () => {
    // The inline executor behind a createCheck that stores check-started with the check, as the
    // threaded executor does.
    const { runner, store, reads } = setup({
      maxConcurrent: 1,
      executor: (s, engine) => {
        const inline = createInlineExecutor({ engine, store: s, clock: systemClock });
        return {
          run: (check, signal, stopped, sink) => inline.run({ ...check, startStored: true }, signal, stopped, sink),
          writes: {
            async createCheck(check) {
              const first = startedEvent(check.target, check.createdAt);
              s.trusted.createWithEvent(check, first);
              return { first: { seq: 1, json: first.json } };
            },
            markInterrupted: (id, reason, at) => s.markInterrupted(id, reason, at),
          },
        };
      },
    });
    const running = await start(runner, 'first.example.test');
    const queued = await start(runner, 'second.example.test');
    expect((await runner.getCheck(queued))?.status).toBe('queued');
    const before = { ...reads };
    const viewer = collect(runner, queued);
    await until(() => viewer.got.length === 1);
    expect(viewer.got[0]).toMatchObject({ seq: 1, event: { type: 'check-started' } });
    expect(viewer.got[0]!.json).toBe(JSON.stringify((await store.listEvents(queued))[0]!.event));
    expect(reads).toEqual(before);
    expect((await runner.getCheck(running))?.status).toBe('running');
  });
});
