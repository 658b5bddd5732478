/**
 * The embedded server's threads (lib/checks/thread-executor.ts): the real store-writer thread and
 * the real engine-thread code with a stand-in engine (tests/fixtures/engine-thread-fake.ts), both
 * bundled here with esbuild (the writer from its production entry, store-writer-main.ts; packages
 * left external and resolved from the checkout, where scripts/build-worker.mjs bundles them).
 * Events reach viewers in order with the JSON the threads made; a new check and its first event are
 * stored by the writer thread without waiting for the engine thread (whose event loop may be busy
 * for seconds); the engine thread runs niced;
 * a thread that dies mid-check ends its checks 'interrupted' (runner-crashed), never 'running'.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import { build } from 'esbuild';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRunner, type CheckEnd, type Runner } from '@/lib/checks/runner';
import { createThreadExecutor, ENGINE_THREAD_RESOURCE_LIMITS } from '@/lib/checks/thread-executor';
import { ENGINE_THREAD_NAME, threadNice, WRITER_THREAD_NAME } from '@/lib/checks/thread-nice';
import { eventJson } from '@/lib/checks/event-json';
import type { CheckEvent } from '@/lib/probe/schema';
import { createSqliteStore } from '@/lib/store/sqlite-store';
import type { CheckStore } from '@/lib/store/check-store';
import { createFakeEngine, fakeEvents, fakeTarget } from '@/tests/fixtures/fake-engine';
import { silentLogger } from '@/lib/probe/types';

const root = fileURLToPath(new URL('../..', import.meta.url));
// Inside node_modules, so the bundles' external packages (better-sqlite3) resolve from the checkout.
const outdir = path.join(root, 'node_modules/.cache/mxray-thread-test');
const ENGINE = path.join(outdir, 'engine-thread-fake.mjs');
const WRITER = path.join(outdir, 'store-writer.mjs');

beforeAll(async () => {
  await build({
    absWorkingDir: root,
    entryPoints: { 'engine-thread-fake': 'tests/fixtures/engine-thread-fake.ts', 'store-writer': 'lib/checks/store-writer-main.ts' },
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    packages: 'external',
    alias: { 'server-only': './node_modules/server-only/empty.js' },
    logLevel: 'warning',
  });
}, 60_000);

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function setup(config: { nice?: number; eventBatchMs?: number } = {}, countReads = false) {
  // A file both the web thread (reads) and the writer thread (writes) open.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mxray-thread-'));
  const file = path.join(dir, 'mxray.sqlite');
  const store: CheckStore = createSqliteStore({ file });
  // The replay reads the runner makes of its store, when asked to count them.
  const reads = { getCheck: 0, listEvents: 0 };
  const seen: CheckStore = !countReads
    ? store
    : new Proxy(store, {
        get(target, prop, receiver) {
          if (prop === 'getCheck' || prop === 'listEvents') reads[prop]++;
          const v: unknown = Reflect.get(target, prop, receiver);
          return typeof v === 'function' ? v.bind(target) : v;
        },
      });
  const executor = createThreadExecutor({ file: ENGINE, writerFile: WRITER, config: { file, observe: false, ...config }, logger: silentLogger });
  const runner = createRunner({
    engine: createFakeEngine(),
    store: seen,
    logger: silentLogger,
    maxConcurrent: 4,
    queueSize: 4,
    dedupeWindowMs: 0,
    executor,
  });
  cleanups.push(async () => {
    await runner.shutdown(0);
    await executor.close?.();
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return { store, runner, executor, reads };
}

function watch(runner: Runner, id: string) {
  const events: { seq: number; event: CheckEvent; json: string; at: number }[] = [];
  const ended = new Promise<CheckEnd>((resolve) => {
    runner.subscribe(id, 0, { event: (seq, event) => events.push({ seq, event, json: eventJson(event), at: performance.now() }), end: resolve });
  });
  return { events, ended };
}

async function start(runner: Runner, domain: string): Promise<string> {
  const s = await runner.start(domain, 'domain', 'client');
  if (!s.ok) throw new Error(s.message);
  return s.id;
}

async function until(cond: () => boolean, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Threads of this process at the given nice value (/proc/self/task/<tid>/stat, field 19). */
const threadsAtNice = (nice: number) => fs.readdirSync('/proc/self/task').filter((tid) => threadNice(Number(tid)) === nice);

describe('thread executor', () => {
  it('warm() starts both threads before any check, and the first check runs on them', async () => {
    const { runner, executor } = setup();
    expect(executor.threadId()).toBeUndefined();
    expect(executor.writerThreadId()).toBeUndefined();
    executor.warm();
    const engine = executor.threadId();
    const writer = executor.writerThreadId();
    expect(engine).toBeDefined();
    expect(writer).toBeDefined();
    const id = await start(runner, 'warm.test');
    await watch(runner, id).ended;
    expect(executor.threadId()).toBe(engine);
    expect(executor.writerThreadId()).toBe(writer);
  });

  it('warm() settles only once both threads have loaded: named, the engine thread niced, the writer listening', async () => {
    const { executor } = setup({ nice: 6 });
    const comm = (tid: string) => fs.readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim();
    const names = () => fs.readdirSync('/proc/self/task').map(comm);
    expect(names()).not.toContain(ENGINE_THREAD_NAME);
    expect(names()).not.toContain(WRITER_THREAD_NAME);
    // The server's services wait for this before answering (get-runner.ts): nothing of the threads'
    // start-up is left to share the CPU with the first requests.
    await executor.warm();
    expect(names()).toContain(WRITER_THREAD_NAME);
    expect(threadsAtNice(6).map(comm)).toContain(ENGINE_THREAD_NAME);
    // Settled again at once, and does not start other threads.
    const [engine, writer] = [executor.threadId(), executor.writerThreadId()];
    await executor.warm();
    expect([executor.threadId(), executor.writerThreadId()]).toEqual([engine, writer]);
  });

  it('publishes every persisted event once, in order, with the JSON the threads made, then the end', async () => {
    const { runner, store } = setup();
    const id = await start(runner, 'fine.example.test');
    const { events, ended } = watch(runner, id);
    expect(await ended).toEqual({ status: 'done' });
    // check-started once (stored at creation; the engine's own is not stored again), then the script.
    const types = fakeEvents(fakeTarget('fine.example.test')).map((e) => e.type);
    expect(events.map((e) => e.event.type)).toEqual(types);
    expect(events.map((e) => e.seq)).toEqual(types.map((_, i) => i + 1));
    // What viewers got is what is stored, byte for byte.
    const stored = await store.listEvents(id);
    expect(stored.map((s) => JSON.stringify(s.event))).toEqual(events.map((e) => e.json));
    expect(events[0]!.event).toMatchObject({ type: 'check-started', eventVersion: 2, target: { domain: 'fine.example.test' } });
    expect(await store.getCheck(id)).toMatchObject({ status: 'done' });
    expect(runner.stats()).toMatchObject({ running: 0, queued: 0 });
  });

  it('stores the new check and its first event without the engine: a viewer gets check-started before the engine yields anything', async () => {
    const { runner, store } = setup();
    const id = await start(runner, 'nostart.example.test');
    expect(await store.getCheck(id)).toMatchObject({ status: 'running', domain: 'nostart.example.test' });
    const { events } = watch(runner, id);
    await until(() => events.length > 0);
    expect(events.map((e) => [e.seq, e.event.type])).toEqual([[1, 'check-started']]);
    expect((await store.listEvents(id)).map((e) => e.seq)).toEqual([1]);
  });

  it('a viewer of a running check replays it from the runner\'s memory: what the store holds, from seq 1, no store read', async () => {
    const { runner, store, reads } = setup({}, true);
    const id = await start(runner, 'hang.example.test');
    await until(() => runner.stats().running === 1);
    const stored = await store.listEvents(id);
    const before = { ...reads };
    const { events } = watch(runner, id);
    await until(() => events.length >= stored.length);
    expect(reads).toEqual(before);
    expect(events.slice(0, stored.length).map((e) => [e.seq, e.json])).toEqual(stored.map((s) => [s.seq, JSON.stringify(s.event)]));
    expect(events[0]).toMatchObject({ seq: 1, event: { type: 'check-started' } });
  });

  it('starts the engine thread with its V8 limits (a small young generation)', async () => {
    const { runner } = setup();
    // The fixture's engine exits mid-check (runner-crashed) in a thread started without them.
    const id = await start(runner, 'limits.example.test');
    expect(await watch(runner, id).ended).toEqual({ status: 'done' });
  });

  it('the engine thread\'s young generation stays within its limit while it allocates', async () => {
    // What the limit buys: V8 otherwise grows the new space to two 16 MB semi-spaces under churn.
    const churn = `const v8 = require('node:v8'); let keep = [];
      for (let i = 0; i < 2e6; i++) { keep.push({ i, s: 'x' + i }); if (keep.length > 20000) keep = []; }
      require('node:worker_threads').parentPort.postMessage(v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size);`;
    const newSpace = (limits?: ResourceLimits) =>
      new Promise<number>((resolve, reject) => {
        const w = new Worker(churn, { eval: true, ...(limits ? { resourceLimits: limits } : {}) });
        w.once('message', (n: number) => void w.terminate().then(() => resolve(n)));
        w.once('error', reject);
      });
    const limited = await newSpace(ENGINE_THREAD_RESOURCE_LIMITS);
    expect(limited).toBeLessThanOrEqual(ENGINE_THREAD_RESOURCE_LIMITS.maxYoungGenerationSizeMb * 2 ** 20);
    expect(await newSpace()).toBeGreaterThan(limited);
  });

  it('answers a new check while the engine thread\'s event loop is blocked', async () => {
    const { runner, store } = setup();
    // Its engine blocks the engine thread for 3 s before its first yield.
    const blocking = await start(runner, 'block.example.test');
    await new Promise((r) => setTimeout(r, 300));
    const t0 = performance.now();
    const id = await start(runner, 'second.example.test');
    const answeredMs = performance.now() - t0;
    const { events, ended } = watch(runner, id);
    await until(() => events.length > 0);
    const firstEventMs = performance.now() - t0;
    expect(answeredMs).toBeLessThan(1_000);
    expect(firstEventMs).toBeLessThan(1_000);
    expect(await store.getCheck(id)).toMatchObject({ status: 'running' });
    // Both still run to their end once the engine thread is free again.
    expect(await ended).toEqual({ status: 'done' });
    expect(await watch(runner, blocking).ended).toEqual({ status: 'done' });
  });

  it('runs the engine thread at CHECK_RUNNER_NICE, and only that thread', async () => {
    const before = threadsAtNice(7).length;
    const { runner, executor } = setup({ nice: 7 });
    const id = await start(runner, 'hang.example.test');
    await until(() => executor.threadId() !== undefined && threadsAtNice(7).length > before);
    expect(threadsAtNice(7).length).toBe(before + 1);
    // That thread is the engine thread (named for top -H and the load run's per-thread CPU) ...
    const comm = (tid: string) => fs.readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim();
    expect(threadsAtNice(7).map(comm)).toContain(ENGINE_THREAD_NAME);
    // ... and the web thread (this one) and the writer thread keep their priority.
    expect(threadNice(Number(fs.readlinkSync('/proc/thread-self').split('/').pop()))).toBe(0);
    expect(executor.writerThreadId()).toBeDefined();
    expect(threadsAtNice(0).map(comm)).toContain(WRITER_THREAD_NAME);
    expect(id).toBeTruthy();
  });

  it('the runner\'s own writes (a new check, an interruption) go through the writer thread', async () => {
    const { runner, store } = setup();
    const id = await start(runner, 'hang.example.test');
    expect(await store.getCheck(id)).toMatchObject({ status: 'running', domain: 'hang.example.test' });
    await runner.shutdown(0);
    expect(await store.getCheck(id)).toMatchObject({ status: 'interrupted', error: 'shutdown' });
  });

  it.each(['exit', 'throw'])('an engine thread that dies mid-check (%s) ends its checks interrupted, and the next check gets a new thread', async (how) => {
    const { runner, store, executor } = setup();
    const hanging = await start(runner, 'hang.example.test');
    const watchHanging = watch(runner, hanging);
    await until(() => executor.threadId() !== undefined);
    const first = executor.threadId();
    const dying = await start(runner, `${how}.example.test`);
    const watchDying = watch(runner, dying);
    // Both checks of the dead thread end, for viewers and in the store.
    expect(await watchDying.ended).toEqual({ status: 'interrupted', reason: 'runner-crashed' });
    expect(await watchHanging.ended).toEqual({ status: 'interrupted', reason: 'runner-crashed' });
    for (const id of [hanging, dying]) {
      expect(await store.getCheck(id)).toMatchObject({ status: 'interrupted', error: 'runner-crashed' });
      expect((await runner.getCheck(id))?.status).toBe('interrupted');
    }
    expect(runner.stats()).toMatchObject({ running: 0, queued: 0 });
    // A later check runs on a fresh engine thread.
    const next = await start(runner, 'after.example.test');
    expect(await watch(runner, next).ended).toEqual({ status: 'done' });
    expect(executor.threadId()).not.toBe(first);
  });

  it('an engine thread that dies just after storing events: its viewers still get every stored event, then the interruption', async () => {
    // A long batch: the thread's exit is seen long before the writer would send the events.
    const { runner, store, executor } = setup({ eventBatchMs: 5_000 });
    executor.warm();
    const id = await start(runner, 'late-exit.example.test');
    const viewer = watch(runner, id);
    expect(await viewer.ended).toEqual({ status: 'interrupted', reason: 'runner-crashed' });
    const stored = await store.listEvents(id);
    expect(stored.length).toBe(3);
    expect(viewer.events.map((e) => [e.seq, e.json])).toEqual(stored.map((s) => [s.seq, JSON.stringify(s.event)]));
  });

  it('a writer thread that dies takes the engine thread with it: its checks end interrupted, and the next check gets new threads', async () => {
    const { runner, store, executor } = setup();
    const id = await start(runner, 'hang.example.test');
    const { ended } = watch(runner, id);
    await until(() => executor.threadId() !== undefined);
    const [engine, writer] = [executor.threadId(), executor.writerThreadId()];
    await executor.terminateWriter();
    expect(await ended).toEqual({ status: 'interrupted', reason: 'runner-crashed' });
    // Marked by a new writer thread.
    await until(() => executor.writerThreadId() !== undefined && executor.writerThreadId() !== writer);
    expect(await store.getCheck(id)).toMatchObject({ status: 'interrupted', error: 'runner-crashed' });
    const next = await start(runner, 'after.example.test');
    expect(await watch(runner, next).ended).toEqual({ status: 'done' });
    expect(executor.threadId()).not.toBe(engine);
  });

  it('an interrupted check is stopped in the thread, and shutdown aborts and ends the threads', async () => {
    const { runner, store, executor } = setup();
    const id = await start(runner, 'hang.example.test');
    const { ended } = watch(runner, id);
    await runner.shutdown(0);
    expect(await ended).toEqual({ status: 'interrupted', reason: 'shutdown' });
    expect(await store.getCheck(id)).toMatchObject({ status: 'interrupted', error: 'shutdown' });
    await executor.close?.();
    expect(executor.threadId()).toBeUndefined();
    expect(executor.writerThreadId()).toBeUndefined();
  });
});
