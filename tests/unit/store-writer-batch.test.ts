/**
 * The store-writer thread's work (lib/checks/store-writer.ts), run here in-process: persisted events
 * cross to the web thread together, one message per EVENT_BATCH_MS, and every message still
 * arrives in the order it was sent: an answer to a write (a new check, an interruption) first sends
 * the events persisted before it.
 */
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { runStoreWriter } from '@/lib/checks/store-writer';
import type { EngineToWriter, FromWriter, ToWriter, WriterToEngine } from '@/lib/checks/thread-executor';
import { createSqliteStore } from '@/lib/store/sqlite-store';
import { fakeTarget } from '@/tests/fixtures/fake-engine';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function setup(batchMs: number) {
  const store = createSqliteStore({ file: ':memory:' });
  const received: FromWriter[] = [];
  let onParent: ((m: ToWriter) => void) | undefined;
  const parent = {
    on: (_: 'message', fn: (m: ToWriter) => void) => void (onParent = fn),
    postMessage: (m: FromWriter) => void received.push(m),
  } as unknown as Pick<MessagePort, 'on' | 'postMessage'>;
  runStoreWriter({ parent, store, batchMs });
  // Its first message says it is ready (thread-executor.ts warm() waits for it); the rest follow.
  expect(received.splice(0)).toEqual([{ t: 'ready' }]);
  const { port1: engine, port2 } = new MessageChannel();
  onParent!({ t: 'engine', port: port2 });
  const acks: WriterToEngine[] = [];
  /** how the answers came: one message each, or arrays */
  const ackMessages: (WriterToEngine | WriterToEngine[])[] = [];
  engine.on('message', (m: WriterToEngine | WriterToEngine[]) => {
    ackMessages.push(m);
    acks.push(...(Array.isArray(m) ? m : [m]));
  });
  cleanups.push(() => {
    engine.close();
    void store.close();
  });
  const toWriter = (m: EngineToWriter | EngineToWriter[]) => engine.postMessage(m);
  const fromWeb = (m: ToWriter) => onParent!(m);
  return { store, received, acks, ackMessages, toWriter, fromWeb };
}

const flat = (ms: FromWriter[]): FromWriter[] => ms.flatMap((m) => (m.t === 'batch' ? m.items : [m]));
const until = async (cond: () => boolean) => {
  const end = Date.now() + 2_000;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 2));
  }
};
const check = (id: string) => ({ id, target: fakeTarget(`${id}.example.test`), createdAt: 1_000 });
const ev = (rid: number, id: string, n: number): EngineToWriter => ({ t: 'append', rid, id, type: 'dns-started', json: `{"type":"dns-started","n":${n}}`, publish: true });

describe('store writer: events batched for the web thread', () => {
  it('sends events persisted within the window as one message, in order', async () => {
    const { received, acks, toWriter, fromWeb } = setup(50);
    fromWeb({ t: 'create', rid: 1, check: check('a') });
    fromWeb({ t: 'create', rid: 2, check: check('b') });
    toWriter(ev(1, 'a', 1));
    toWriter(ev(2, 'b', 1));
    toWriter(ev(3, 'a', 2));
    await until(() => acks.length === 3);
    // Persisted and acknowledged to the engine at once; not yet sent to the web thread.
    expect(received.map((m) => m.t)).toEqual(['wrote', 'wrote']);
    await until(() => received.length === 3);
    expect(received[2]).toEqual({
      t: 'batch',
      items: [
        { t: 'ev', id: 'a', seq: 1, json: '{"type":"dns-started","n":1}' },
        { t: 'ev', id: 'b', seq: 1, json: '{"type":"dns-started","n":1}' },
        { t: 'ev', id: 'a', seq: 2, json: '{"type":"dns-started","n":2}' },
      ],
    });
  });

  it('an answer to a write sends the events persisted before it first', async () => {
    const { received, acks, toWriter, fromWeb } = setup(60_000);
    fromWeb({ t: 'create', rid: 1, check: check('a') });
    toWriter(ev(1, 'a', 1));
    toWriter({ t: 'end', id: 'a', end: { outcome: 'stopped' } });
    await until(() => acks.length === 1);
    await new Promise((r) => setTimeout(r, 20));
    fromWeb({ t: 'interrupt', rid: 2, id: 'a', reason: 'shutdown', finishedAt: 2_000 });
    expect(flat(received).map((m) => m.t)).toEqual(['wrote', 'ev', 'end', 'wrote']);
    expect(received.at(-1)).toEqual({ t: 'wrote', rid: 2, value: true });
  });

  it('a lone event is sent as itself', async () => {
    const { received, toWriter, fromWeb } = setup(5);
    fromWeb({ t: 'create', rid: 1, check: check('a') });
    toWriter(ev(1, 'a', 1));
    await until(() => received.length === 2);
    expect(received[1]).toEqual({ t: 'ev', id: 'a', seq: 1, json: '{"type":"dns-started","n":1}' });
  });

  it('writes sent together are done in order and answered together, a failed one in its place', async () => {
    const { store, received, acks, ackMessages, toWriter, fromWeb } = setup(5);
    fromWeb({ t: 'create', rid: 1, check: check('a') });
    toWriter([
      ev(1, 'a', 1),
      // no such check: refused, and the writes after it still happen
      ev(2, 'nope', 1),
      ev(3, 'a', 2),
      { t: 'end', id: 'a', end: { outcome: 'stopped' } },
    ]);
    await until(() => acks.length === 3);
    expect(ackMessages).toHaveLength(1);
    expect(acks.map((a) => [a.rid, a.seq, a.error?.code])).toEqual([
      [1, 1, undefined],
      [2, undefined, 'not-found'],
      [3, 2, undefined],
    ]);
    await until(() => flat(received).length === 4);
    expect(flat(received).map((m) => m.t)).toEqual(['wrote', 'ev', 'ev', 'end']);
    expect((await store.listEvents('a')).map((e) => e.seq)).toEqual([1, 2]);
  });
});
