/**
 * The web thread's side of the embedded server's runner thread (lib/checks/thread-executor.ts),
 * against a stand-in thread (tests/fixtures/runner-thread-fake.mjs): events and the end arrive in
 * order with the thread's own JSON, and a thread that dies mid-check ends its checks
 * 'interrupted' (runner-crashed) in the store and for viewers, never left 'running'.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createRunner, type CheckEnd, type Runner } from '@/lib/checks/runner';
import { createThreadExecutor } from '@/lib/checks/thread-executor';
import { eventJson } from '@/lib/checks/event-json';
import type { CheckEvent } from '@/lib/probe/schema';
import { createSqliteStore } from '@/lib/store/sqlite-store';
import type { CheckStore } from '@/lib/store/check-store';
import { createFakeEngine } from '@/tests/fixtures/fake-engine';
import { silentLogger } from '@/lib/probe/types';

const FAKE_THREAD = new URL('../fixtures/runner-thread-fake.mjs', import.meta.url);
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function setup() {
  // A file both threads open: the web thread reads, the (stand-in) runner thread writes.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mxray-thread-'));
  const file = path.join(dir, 'mxray.sqlite');
  const store: CheckStore = createSqliteStore({ file });
  const executor = createThreadExecutor({ file: FAKE_THREAD, config: { file, observe: false }, logger: silentLogger });
  const runner = createRunner({
    engine: createFakeEngine(),
    store,
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
  return { store, runner, executor };
}

function watch(runner: Runner, id: string) {
  const events: { seq: number; event: CheckEvent; json: string }[] = [];
  const ended = new Promise<CheckEnd>((resolve) => {
    runner.subscribe(id, 0, { event: (seq, event) => events.push({ seq, event, json: eventJson(event) }), end: resolve });
  });
  return { events, ended };
}

async function start(runner: Runner, domain: string): Promise<string> {
  const s = await runner.start(domain, 'domain', 'client');
  if (!s.ok) throw new Error(s.message);
  return s.id;
}

describe('thread executor', () => {
  it('publishes what the thread persisted, with the JSON the thread made, then the end', async () => {
    const { runner } = setup();
    const id = await start(runner, 'fine.example.test');
    const { events, ended } = watch(runner, id);
    expect(await ended).toEqual({ status: 'done' });
    expect(events.map((e) => [e.seq, e.event.type])).toEqual([
      [1, 'check-started'],
      [2, 'check-done'],
    ]);
    // The thread's text is what viewers are sent (the marker exists only there).
    expect(JSON.parse(events[0]!.json)).toMatchObject({ fromThread: true });
    expect(runner.stats()).toMatchObject({ running: 0, queued: 0 });
  });

  it('the runner\'s own writes (a new check, an interruption) go through the thread, the file\'s one writer', async () => {
    const { runner, store } = setup();
    const id = await start(runner, 'hang.example.test');
    expect(await store.getCheck(id)).toMatchObject({ status: 'running', domain: 'hang.example.test' });
    await runner.shutdown(0);
    expect(await store.getCheck(id)).toMatchObject({ status: 'interrupted', error: 'shutdown' });
  });

  it.each(['exit', 'throw'])('a thread that dies mid-check (%s) ends its checks interrupted, and the next check gets a new thread', async (how) => {
    const { runner, store, executor } = setup();
    const hanging = await start(runner, 'hang.example.test');
    const watchHanging = watch(runner, hanging);
    const first = executor.threadId();
    expect(first).toBeDefined();
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
    // A later check runs on a fresh thread.
    const next = await start(runner, 'after.example.test');
    expect(await watch(runner, next).ended).toEqual({ status: 'done' });
    expect(executor.threadId()).not.toBe(first);
  });

  it('an interrupted check is stopped in the thread, and shutdown aborts and ends the thread', async () => {
    const { runner, store } = setup();
    const id = await start(runner, 'hang.example.test');
    const { ended } = watch(runner, id);
    await runner.shutdown(0);
    expect(await ended).toEqual({ status: 'interrupted', reason: 'shutdown' });
    expect(await store.getCheck(id)).toMatchObject({ status: 'interrupted', error: 'shutdown' });
  });
});
