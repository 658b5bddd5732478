/**
 * runner.getCheck answers a check this runner is running or queueing from memory: every SSE viewer
 * asks it on connecting, and under load those store reads were most of the web thread's. The view
 * is the one the store would give; a finished or interrupted check is read from the store.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { checkView, createRunner, type Runner } from '@/lib/checks/runner';
import type { CheckStore } from '@/lib/store/check-store';
import { createSqliteStore } from '@/lib/store/sqlite-store';
import { silentLogger } from '@/lib/probe/types';
import { createFakeEngine, createGate } from '@/tests/fixtures/fake-engine';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function setup() {
  const store = createSqliteStore({ file: ':memory:' });
  const reads = { getCheck: 0 };
  // Counts the store's getCheck calls; everything else goes straight through.
  const counted: CheckStore = new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === 'getCheck') return (id: string) => (reads.getCheck++, target.getCheck(id));
      const v: unknown = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
  const gate = createGate();
  // Every check waits before its second event until the gate opens: it stays running.
  const engine = createFakeEngine({ beforeEvent: (i) => (i === 1 ? gate.wait() : undefined) });
  const runner: Runner = createRunner({ engine, store: counted, logger: silentLogger, maxConcurrent: 1, queueSize: 4, dedupeWindowMs: 0 });
  cleanups.push(async () => {
    gate.open();
    await runner.shutdown(0);
    await store.close();
  });
  return { runner, store, reads, gate };
}

async function start(runner: Runner, domain: string): Promise<string> {
  const s = await runner.start(domain, 'domain', 'client');
  if (!s.ok) throw new Error(s.message);
  return s.id;
}

describe('runner.getCheck', () => {
  it('answers a running or queued check from memory, with the view the store would give', async () => {
    const { runner, store, reads } = setup();
    const running = await start(runner, 'running.example.test');
    const queued = await start(runner, 'queued.example.test');
    const before = reads.getCheck;
    const views = [await runner.getCheck(running), await runner.getCheck(queued)];
    expect(reads.getCheck).toBe(before);
    expect(views.map((v) => v?.status)).toEqual(['running', 'queued']);
    // Identical to the stored row's view.
    for (const [i, id] of [running, queued].entries()) {
      const row = await store.getCheck(id);
      expect(views[i]).toEqual(checkView(row!, views[i]!.status));
    }
  });

  it('reads a finished check from the store', async () => {
    const { runner, reads, gate } = setup();
    const id = await start(runner, 'done.example.test');
    gate.open();
    await new Promise<void>((resolve) => runner.subscribe(id, 0, { event() {}, end: () => resolve() }));
    const before = reads.getCheck;
    const view = await runner.getCheck(id);
    expect(reads.getCheck).toBe(before + 1);
    expect(view).toMatchObject({ status: 'done', reason: null });
    expect(view?.result).not.toBeNull();
  });
});
