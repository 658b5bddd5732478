/**
 * The engine thread's side (runner-thread-main.ts runs it with the real engine; the unit tests with
 * a fake one): runs each check the web thread asks for with the inline executor, the same as
 * everywhere else, and sends its events to the store-writer thread (store-writer.ts), which
 * persists them and hands them to the web thread. This thread never touches SQLite, so it may run
 * at a lower CPU priority (CHECK_RUNNER_NICE) without holding a lock anyone else waits for.
 */
import type { MessagePort } from 'node:worker_threads';
import type { CheckEngine } from '@/lib/probe/engine';
import type { ProbeLogger } from '@/lib/probe/types';
import { CheckEventSchema, CheckResultSchema } from '@/lib/probe/schema';
import { systemClock } from '@/lib/probe/types';
import type { CheckStore } from '@/lib/store/check-store';
import { createInlineExecutor } from './check-executor';
import { eventJson } from './event-json';
import { reviveWriteError } from './store-writer';
import { ENGINE_THREAD_NAME, nameThisThread, niceThisThread } from './thread-nice';
import type { EngineToWriter, FromEngine, RunnerThreadConfig, ToEngine, WriterToEngine } from './thread-executor';

export function runEngineThread(deps: {
  /** the web thread (run, stop, abort; fatal back) */
  parent: Pick<MessagePort, 'on' | 'postMessage'>;
  /** the store-writer thread */
  writer: MessagePort;
  engine: CheckEngine;
  config: RunnerThreadConfig;
  logger: ProbeLogger;
}): void {
  const { parent, writer, config, logger } = deps;
  nameThisThread(ENGINE_THREAD_NAME);
  // First of all: probing yields the CPU to the web thread (CHECK_RUNNER_NICE).
  const nice = niceThisThread(config.nice ?? 0);
  if (nice.applied) logger.info({ tid: nice.tid, nice: nice.nice }, 'check runner thread runs at a lower CPU priority');
  else if ((config.nice ?? 0) !== 0) logger.warn({ reason: nice.reason }, 'check runner thread priority not lowered');
  // What the checks send to the writer in one turn of this thread's event loop crosses as one
  // message (an array, in order): each postMessage costs both threads a task and a copy, and
  // hundreds of checks' events come in clusters (many sockets' data read in one poll phase).
  let outbox: EngineToWriter[] = [];
  const flush = () => {
    const items = outbox;
    outbox = [];
    writer.postMessage(items.length === 1 ? items[0] : items);
  };
  const toWriter = (m: EngineToWriter) => {
    if (outbox.push(m) === 1) setImmediate(flush);
  };
  const acks = new Map<number, { resolve: (seq: number | undefined) => void; reject: (e: unknown) => void }>();
  let nextRid = 1;

  const answered = (m: WriterToEngine) => {
    const p = acks.get(m.rid);
    if (!p) return;
    acks.delete(m.rid);
    if (!m.error) return p.resolve(m.seq);
    p.reject(reviveWriteError(m.error));
  };
  // The writer answers the writes of one message together (an array), in order.
  writer.on('message', (m: WriterToEngine | WriterToEngine[]) => {
    if (Array.isArray(m)) m.forEach(answered);
    else answered(m);
  });
  const call = (m: (rid: number) => EngineToWriter) =>
    new Promise<number | undefined>((resolve, reject) => {
      const rid = nextRid++;
      acks.set(rid, { resolve, reject });
      toWriter(m(rid));
    });

  // The store as the inline executor sees it: validated here (an engine bug surfaces where it
  // happens, and the writer only inserts), persisted by the writer thread.
  const store: Pick<CheckStore, 'appendEvent' | 'finishCheck'> = {
    async appendEvent(id, event) {
      CheckEventSchema.parse(event);
      // check-done reaches the web thread with the check's end (finished below), not on its own.
      const seq = await call((rid) => ({ t: 'append', rid, id, type: event.type, json: eventJson(event), publish: event.type !== 'check-done' }));
      return seq!;
    },
    async finishCheck(id, result, finishedAt = Date.now()) {
      const json = JSON.stringify(CheckResultSchema.parse(result));
      await call((rid) => ({ t: 'finish', rid, id, result: json, finishedAt }));
    },
  };
  const executor = createInlineExecutor({
    engine: deps.engine,
    store,
    clock: systemClock,
    ...(config.maxStoredBytes !== undefined ? { maxStoredBytes: config.maxStoredBytes } : {}),
    withResult: config.observe,
  });
  const runs = new Map<string, { controller: AbortController; stopped: boolean }>();

  parent.on('message', (m: ToEngine) => {
    if (m.t === 'run') {
      const run = { controller: new AbortController(), stopped: false };
      runs.set(m.id, run);
      const { id } = m;
      void executor
        .run({ id, target: m.target, ...(m.startStored ? { startStored: true } : {}) }, run.controller.signal, () => run.stopped, {
          ...(config.observe ? { observed: (event) => toWriter({ t: 'obs', id, event }) } : {}),
          // Already handed to the web thread by the writer, as soon as it was persisted.
          stored: () => {},
          finished: (seq, event, end) => toWriter({ t: 'fin', id, seq, json: eventJson(event), end }),
        })
        .then((end) => {
          runs.delete(id);
          if (end.outcome !== 'failed') return toWriter({ t: 'end', id, end });
          const err = end.err instanceof Error ? end.err : new Error(String(end.err));
          toWriter({ t: 'end', id, end: { outcome: 'failed', reason: end.reason, err: { message: err.message, ...(err.stack ? { stack: err.stack } : {}) } } });
        });
      return;
    }
    const run = runs.get(m.id);
    if (!run) return;
    if (m.t === 'stop') run.stopped = true;
    else run.controller.abort();
  });
  // Loaded and listening: the web thread's warm() waits for this.
  parent.postMessage({ t: 'ready' } satisfies FromEngine);
}
