/**
 * The store-writer thread's work (store-writer-main.ts runs it): the one writer of the embedded
 * server's SQLite file. It does nothing else, at normal priority, so a write is answered in about
 * the time SQLite takes: the web thread's new checks and interruptions, and the engine thread's
 * events and results. Each event it persists goes to the web thread with its JSON, in the order of
 * the writes, batched for at most EVENT_BATCH_MS; what the engine thread reports besides (observed events, a check's
 * end) is forwarded through here too, so the web thread receives one ordered stream per check.
 *
 * Why a thread of its own: the engine thread is busy (TLS handshakes, DNS, hundreds of checks)
 * and runs at a lower priority; a POST waiting for it to insert the new check waited for its whole
 * event loop. Why not the web thread: a SQLite write that finds the lock held busy-waits, which
 * blocks a thread's whole event loop (thread-executor.ts). Why the engine thread does not write:
 * a niced thread holding the write lock would make the writer wait behind its low priority.
 */
import type { MessagePort } from 'node:worker_threads';
import { CheckStoreError } from '@/lib/store/check-store';
import type { StoreOpRecorder } from '@/lib/observability/timed-store';
import type { SqliteStore } from '@/lib/store/sqlite-store';
import { nameThisThread, WRITER_THREAD_NAME } from './thread-nice';
import type { EngineToWriter, FromWriter, ToWriter, WriteError, WriterToEngine } from './thread-executor';

/**
 * A write's error as this thread reports it (`write` below), back as an Error on the receiving
 * thread: a CheckStoreError keeps its class and code, anything else its message and code.
 */
export function reviveWriteError({ message, code, name }: WriteError): Error {
  if (name === 'CheckStoreError' && (code === 'not-found' || code === 'finished')) return new CheckStoreError(code, message);
  return Object.assign(new Error(message), code ? { code } : {});
}

/**
 * How long persisted events wait to cross to the web thread together (ms). Each message costs the
 * web thread its own task, and each turn that publishes an event of a check costs one socket write
 * per viewer of it; a check's probes run side by side, so its events come in clusters (four ports
 * greeted, then four EHLOs…), and one message per cluster lets every viewer get the cluster in one
 * write. A live event is at most this much later; the first event of a check is not delayed (it
 * is stored with the check and replayed), nor is any answer to a write.
 */
export const EVENT_BATCH_MS = 20;

/** The messages the web thread gets per check, in order: batched (EVENT_BATCH_MS). */
type Batched = Exclude<FromWriter, { t: 'batch' | 'wrote' | 'storeOp' | 'fatal' }>;

export function runStoreWriter(deps: {
  /** the web thread */
  parent: Pick<MessagePort, 'on' | 'postMessage'>;
  store: SqliteStore;
  /** times each write (the web thread's store-operation histogram) */
  onStoreOp?: StoreOpRecorder;
  /** EVENT_BATCH_MS (tests) */
  batchMs?: number;
}): void {
  const { parent, store } = deps;
  const batchMs = deps.batchMs ?? EVENT_BATCH_MS;
  nameThisThread(WRITER_THREAD_NAME);
  let batch: Batched[] = [];
  let timer: NodeJS.Timeout | undefined;
  function flush(): void {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (batch.length === 0) return;
    const items = batch;
    batch = [];
    parent.postMessage(items.length === 1 ? items[0] : ({ t: 'batch', items } satisfies FromWriter));
  }
  /** Everything reaches the web thread in the order it was sent: a direct message flushes the batch first. */
  const send = (m: FromWriter) => {
    flush();
    parent.postMessage(m);
  };
  const later = (m: Batched) => {
    batch.push(m);
    timer ??= setTimeout(flush, batchMs);
  };

  /** Runs one write, timed when metrics are on; its error as the protocol carries it. */
  function write<T>(operation: string, work: () => T): { value: T } | { error: WriteError } {
    const started = performance.now();
    try {
      const value = work();
      deps.onStoreOp?.({ operation, kind: 'write', outcome: 'ok' }, (performance.now() - started) / 1000);
      return { value };
    } catch (err) {
      deps.onStoreOp?.({ operation, kind: 'write', outcome: 'error' }, (performance.now() - started) / 1000);
      const e = err as Error & { code?: unknown };
      return { error: { message: e.message ?? String(err), name: e.name, ...(typeof e.code === 'string' ? { code: e.code } : {}) } };
    }
  }

  function engine(port: MessagePort): void {
    /** the answers to one message's writes, sent together once it is done */
    let answers: WriterToEngine[] = [];
    const ack = (m: WriterToEngine) => void answers.push(m);
    const one = (m: EngineToWriter) => {
      switch (m.t) {
        case 'append': {
          const r = write('appendEvent', () => store.trusted.appendJson(m.id, m.type, m.json));
          // Persisted: the web thread publishes it now, without waiting for the engine thread.
          if ('value' in r && m.publish) later({ t: 'ev', id: m.id, seq: r.value, json: m.json });
          ack('value' in r ? { rid: m.rid, seq: r.value } : { rid: m.rid, error: r.error });
          return;
        }
        case 'finish': {
          const r = write('finishCheck', () => store.trusted.finishJson(m.id, m.result, m.finishedAt));
          ack('value' in r ? { rid: m.rid } : { rid: m.rid, error: r.error });
          return;
        }
        default:
          // obs, fin, end: in order after the writes they follow
          later(m);
      }
    };
    // One message is one write or several, in order (engine-thread.ts sends a turn's worth at once).
    port.on('message', (m: EngineToWriter | EngineToWriter[]) => {
      if (Array.isArray(m)) m.forEach(one);
      else one(m);
      if (answers.length === 0) return;
      port.postMessage(answers.length === 1 ? answers[0] : answers);
      answers = [];
    });
  }

  parent.on('message', (m: ToWriter) => {
    if (m.t === 'engine') return engine(m.port);
    const r =
      m.t === 'create'
        ? write('createCheck', () => store.trusted.createWithEvent(m.check, m.first))
        : write('markInterrupted', () => store.trusted.interrupt(m.id, m.reason, m.finishedAt ?? Date.now()));
    send({ t: 'wrote', rid: m.rid, ...r });
  });
  // Loaded, its store open: the web thread's warm() waits for this.
  parent.postMessage({ t: 'ready' } satisfies FromWriter);
}
