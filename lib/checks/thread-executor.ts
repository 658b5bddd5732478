/**
 * The embedded server's executor: checks run in a worker thread (runner-thread-main.ts, built to
 * dist/worker/runner-thread.mjs), which has its own engine and its own connection to the SQLite
 * file. The web thread keeps queueing, dedupe, viewers and fan-out (runner.ts); it receives each
 * persisted event with its JSON and publishes it. Probing (TLS handshakes, DNS, timers) and event
 * writes then never hold up HTTP handling, and use the second core.
 *
 * A thread that dies (a crash, an out-of-memory kill of the isolate) ends every check it was
 * running as failed with reason 'runner-crashed': the runner marks them interrupted, never left
 * 'running'. The next check starts a new thread.
 */
import { Worker } from 'node:worker_threads';
import type { CheckEvent, CheckInput } from '@/lib/probe/schema';
import type { ProbeLogger } from '@/lib/probe/types';
import { CheckStoreError, type CheckVisibility } from '@/lib/store/check-store';
import type { CheckExecutor, ExecutionEnd, ExecutionSink, FinishedCheck } from './check-executor';
import type { StoreOpRecorder } from '@/lib/observability/timed-store';
import { rememberJson } from './event-json';

/** What the thread is started with (workerData). */
export interface RunnerThreadConfig {
  /** the SQLite file the web thread's store uses */
  file: string;
  /** the web thread's better-sqlite3 addon: one SQLite library per process (sqlite-store.ts) */
  nativeBinding?: string;
  maxStoredBytes?: number;
  /** forward each engine event as the engine reported it (the web thread has observers) */
  observe: boolean;
  /** time each store operation and report it (the web thread's metrics are on) */
  timeStore?: boolean;
}

export type ToThread =
  | { t: 'run'; id: string; target: CheckInput }
  /** the runner closed the check's log */
  | { t: 'stop'; id: string }
  /** abort the engine (shutdown) */
  | { t: 'abort'; id: string }
  /** the runner's own writes, so the thread is the one writer of the file */
  | { t: 'create'; rid: number; check: { id: string; target: CheckInput; createdAt: number; visibility?: CheckVisibility } }
  | { t: 'interrupt'; rid: number; id: string; reason: string; finishedAt?: number };

export type FromThread =
  | { t: 'obs'; id: string; event: CheckEvent }
  | { t: 'ev'; id: string; seq: number; json: string }
  | { t: 'fin'; id: string; seq: number; json: string; end: FinishedCheck }
  | { t: 'end'; id: string; end: { outcome: 'done' } | { outcome: 'stopped' } | { outcome: 'failed'; reason: string; err: { message: string; stack?: string } } }
  /** answer to a write: its value, or the error (a CheckStoreError keeps its code) */
  | { t: 'wrote'; rid: number; value?: unknown; error?: { message: string; code?: string; name?: string } }
  /** one timed store operation of the thread's (recorded into the web thread's metrics) */
  | { t: 'storeOp'; labels: Parameters<StoreOpRecorder>[0]; seconds: number }
  /** the thread could not start (bad config, unreadable database) */
  | { t: 'fatal'; message: string };

interface Run {
  /** the thread running it ('error' and 'exit' of one thread both arrive; only its own runs fail) */
  thread: Worker;
  sink: ExecutionSink;
  resolve: (end: ExecutionEnd) => void;
}

export function createThreadExecutor(opts: { file: string | URL; config: RunnerThreadConfig; logger: ProbeLogger; onStoreOp?: StoreOpRecorder }): CheckExecutor & {
  /** the running thread's id, if any (tests) */
  threadId(): number | undefined;
} {
  const { logger } = opts;
  const runs = new Map<string, Run>();
  /** writes awaiting the thread's answer */
  const pending = new Map<number, { thread: Worker; resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  let nextRid = 1;
  let worker: Worker | undefined;
  let closed = false;

  const parse = (json: string): CheckEvent => rememberJson(JSON.parse(json) as CheckEvent, json);

  function failAll(w: Worker, why: string): void {
    if (worker === w) worker = undefined;
    for (const [id, run] of [...runs]) {
      if (run.thread !== w) continue;
      runs.delete(id);
      run.resolve({ outcome: 'failed', reason: 'runner-crashed', err: new Error(why) });
    }
    for (const [rid, p] of [...pending]) {
      if (p.thread !== w) continue;
      pending.delete(rid);
      p.reject(new Error(why));
    }
  }

  function onMessage(m: FromThread): void {
    if (m.t === 'storeOp') {
      opts.onStoreOp?.(m.labels, m.seconds);
      return;
    }
    if (m.t === 'fatal') {
      logger.error({ err: new Error(m.message) }, 'check runner thread could not start');
      return;
    }
    if (m.t === 'wrote') {
      const p = pending.get(m.rid);
      if (!p) return;
      pending.delete(m.rid);
      if (!m.error) return p.resolve(m.value);
      const { message, code, name } = m.error;
      p.reject(name === 'CheckStoreError' && (code === 'not-found' || code === 'finished') ? new CheckStoreError(code, message) : Object.assign(new Error(message), code ? { code } : {}));
      return;
    }
    const run = runs.get(m.id);
    if (!run) return;
    switch (m.t) {
      case 'obs':
        run.sink.observed?.(m.event);
        break;
      case 'ev':
        run.sink.stored(m.seq, parse(m.json), m.json);
        break;
      case 'fin':
        run.sink.finished(m.seq, parse(m.json), m.end, m.json);
        break;
      case 'end': {
        runs.delete(m.id);
        const e = m.end;
        if (e.outcome === 'failed') {
          const err = Object.assign(new Error(e.err.message), e.err.stack ? { stack: e.err.stack } : {});
          run.resolve({ outcome: 'failed', reason: e.reason, err });
        } else run.resolve(e);
        break;
      }
    }
  }

  function thread(): Worker {
    if (worker) return worker;
    const w = new Worker(opts.file, { workerData: opts.config, name: 'mxray-check-runner' });
    worker = w;
    w.on('message', onMessage);
    w.on('error', (err) => {
      logger.error({ err, running: runs.size }, 'check runner thread failed');
      failAll(w, `check runner thread failed: ${err.message}`);
    });
    w.on('exit', (code) => {
      if (!closed) logger.error({ code, running: runs.size }, 'check runner thread exited');
      failAll(w, `check runner thread exited (code ${code})`);
    });
    // The web server keeps the process alive; the thread alone must not.
    w.unref();
    return w;
  }

  const post = (m: ToThread) => worker?.postMessage(m);

  function write<T>(m: (rid: number) => ToThread): Promise<T> {
    if (closed) return Promise.reject(new Error('check runner thread closed'));
    return new Promise<T>((resolve, reject) => {
      const rid = nextRid++;
      const w = thread();
      pending.set(rid, { thread: w, resolve: resolve as (v: unknown) => void, reject });
      w.postMessage(m(rid));
    });
  }

  return {
    run({ id, target }, signal, _stopped, sink) {
      // The thread polls its own copy of stopped(): stop() below tells it.
      if (closed) return Promise.resolve({ outcome: 'failed', reason: 'shutdown', err: new Error('executor closed') });
      return new Promise<ExecutionEnd>((resolve) => {
        const w = thread();
        runs.set(id, { thread: w, sink, resolve });
        w.postMessage({ t: 'run', id, target } satisfies ToThread);
        const onAbort = () => post({ t: 'abort', id });
        if (signal.aborted) onAbort();
        else signal.addEventListener('abort', onAbort, { once: true });
      });
    },
    stop(id) {
      if (runs.has(id)) post({ t: 'stop', id });
    },
    async close() {
      closed = true;
      const w = worker;
      worker = undefined;
      if (w) {
        await w.terminate();
        failAll(w, 'check runner thread closed');
      }
    },
    writes: {
      createCheck: (check) => write<void>((rid) => ({ t: 'create', rid, check })),
      markInterrupted: (id, reason, finishedAt) =>
        write<boolean>((rid) => ({ t: 'interrupt', rid, id, reason, ...(finishedAt !== undefined ? { finishedAt } : {}) })),
    },
    threadId: () => worker?.threadId,
  };
}
