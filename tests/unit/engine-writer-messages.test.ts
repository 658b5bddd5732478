/**
 * The engine thread's side (lib/checks/engine-thread.ts) and the store writer's (store-writer.ts),
 * run here in-process over a real MessageChannel: what checks send in one turn of the engine
 * thread's loop crosses as one message, and every event is still stored and published in order.
 */
import { MessageChannel } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { runEngineThread } from '@/lib/checks/engine-thread';
import { runStoreWriter } from '@/lib/checks/store-writer';
import type { FromWriter, ToEngine, ToWriter } from '@/lib/checks/thread-executor';
import { silentLogger } from '@/lib/probe/types';
import { createSqliteStore } from '@/lib/store/sqlite-store';
import { createFakeEngine, fakeTarget } from '@/tests/fixtures/fake-engine';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

describe('engine thread → store writer', () => {
  it("sends a turn's writes as one message; every check's events are stored and published in order", async () => {
    const store = createSqliteStore({ file: ':memory:' });
    const fromWriter: FromWriter[] = [];
    let toWriterParent: ((m: ToWriter) => void) | undefined;
    runStoreWriter({
      parent: { on: (_: string, fn: (m: ToWriter) => void) => void (toWriterParent = fn), postMessage: (m: FromWriter) => void fromWriter.push(m) } as never,
      store,
      batchMs: 1,
    });
    const { port1, port2 } = new MessageChannel();
    toWriterParent!({ t: 'engine', port: port2 });
    // what crosses from the engine to the writer, message by message
    const crossed: unknown[] = [];
    port2.on('message', (m: unknown) => crossed.push(m));
    let toEngine: ((m: ToEngine) => void) | undefined;
    runEngineThread({
      parent: { on: (_: string, fn: (m: ToEngine) => void) => void (toEngine = fn), postMessage: () => {} } as never,
      writer: port1,
      engine: createFakeEngine({ ports: [25, 587] }),
      config: { file: ':memory:', observe: false },
      logger: silentLogger,
    });
    cleanups.push(() => {
      port1.close();
      void store.close();
    });

    const ids = Array.from({ length: 20 }, (_, i) => `c${i}`);
    for (const id of ids) toWriterParent!({ t: 'create', rid: 1, check: { id, target: fakeTarget(`${id}.example.test`), createdAt: 1 } });
    for (const id of ids) toEngine!({ t: 'run', id, target: fakeTarget(`${id}.example.test`) });

    const flat = () => fromWriter.flatMap((m) => (m.t === 'batch' ? m.items : [m]));
    const end = Date.now() + 5_000;
    while (flat().filter((m) => m.t === 'end').length < ids.length) {
      if (Date.now() > end) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 5));
    }
    const writes = crossed.flatMap((m) => (Array.isArray(m) ? m : [m])) as { t: string }[];
    // Twenty checks side by side: their writes crossed together, far fewer messages than writes.
    expect(crossed.some(Array.isArray)).toBe(true);
    expect(crossed.length * 4).toBeLessThan(writes.length);
    for (const id of ids) {
      const stored = await store.listEvents(id);
      expect(stored.map((e) => e.seq)).toEqual(stored.map((_, i) => i + 1));
      expect(stored.at(-1)?.event.type).toBe('check-done');
      expect((await store.getCheck(id))?.status).toBe('done');
      // published in the order stored, ending with the check's end
      const mine = flat().filter((m) => 'id' in m && m.id === id) as { t: string; seq?: number }[];
      const seqs = mine.filter((m) => m.t === 'ev' || m.t === 'fin').map((m) => m.seq);
      expect(seqs).toEqual(stored.map((e) => e.seq));
      expect(mine.at(-1)?.t).toBe('end');
    }
  });
});
