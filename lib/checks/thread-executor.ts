/**
 * The embedded server's executor: checks run off the web thread, in two worker threads.
 *
 * - The **engine thread** (runner-thread-main.ts, built to dist/worker/runner-thread.mjs) has its
 *   own engine and runs the same inline executor as tests, `next dev` and the scaled worker. It
 *   probes (TLS handshakes, DNS, timers for hundreds of checks), at a lower CPU priority than the
 *   web thread (CHECK_RUNNER_NICE), and never touches SQLite.
 * - The **store-writer thread** (store-writer-main.ts, dist/worker/store-writer.mjs) is the one
 *   writer of the SQLite file: the web thread's new checks and interruptions, the engine thread's
 *   events and results. It does only that, at normal priority, so a write is answered in about the
 *   time SQLite takes, whatever the engine thread is doing. Each event it persists goes to the web
 *   thread with its JSON (batched for at most EVENT_BATCH_MS): persisted before any viewer sees it
 *   (Last-Event-ID resume relies on it), and published without waiting for the engine thread.
 *
 * The web thread keeps queueing, dedupe, viewers and fan-out (runner.ts), and only reads the file
 * (WAL: readers never wait for the writer). A new check is stored with its check-started event
 * (seq 1) in one transaction, so the POST is answered and a viewer's first event is there without
 * waiting for the engine thread's event loop; the engine's own check-started is then not stored
 * again (check-executor.ts, startStored).
 *
 * A thread that dies (a crash, an out-of-memory kill of its isolate) ends every check the engine
 * thread was running as failed with reason 'runner-crashed': the runner marks them interrupted,
 * never left 'running'. If the writer dies, the engine thread is ended too (its writes have
 * nowhere to go). The next check or write starts new threads.
 */
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import type { CheckEvent, CheckInput } from '@/lib/probe/schema';
import type { ProbeLogger } from '@/lib/probe/types';
import type { CheckVisibility } from '@/lib/store/check-store';
import { startedEvent, type CheckExecutor, type ExecutionEnd, type ExecutionSink, type FinishedCheck } from './check-executor';
import type { StoreOpRecorder } from '@/lib/observability/timed-store';
import { rememberJson } from './event-json';
import { reviveWriteError } from './store-writer';

/**
 * The engine thread's V8 limits. Its young generation is kept small: left to V8, the new space
 * grows to 32 MB (two 16 MB semi-spaces) while hundreds of checks probe. With 8 MB the engine
 * thread's whole heap (old space too, measured, not explained) peaked at ~110 MB instead of
 * 156–212 MB in the 1,000-check load run, for no CPU cost beyond the runs' spread (BENCHMARKS.md,
 * "Memory of 1,000 probing checks"). The old generation is left to V8: a bound there would end
 * the thread (and interrupt every check it runs) instead of slowing it.
 */
export const ENGINE_THREAD_RESOURCE_LIMITS = { maxYoungGenerationSizeMb: 8 } as const;

/** What both threads are started with (workerData; the engine thread also gets `writer`, its port). */
export interface RunnerThreadConfig {
  /** the SQLite file the web thread's store uses (the writer opens it) */
  file: string;
  /** the web thread's better-sqlite3 addon: one SQLite library per process (sqlite-store.ts) */
  nativeBinding?: string;
  maxStoredBytes?: number;
  /** forward each engine event as the engine reported it (the web thread has observers) */
  observe: boolean;
  /** time each store operation and report it (the web thread's metrics are on) */
  timeStore?: boolean;
  /** the engine thread's nice value (CHECK_RUNNER_NICE; 0: as the web thread) */
  nice?: number;
  /** how long the writer batches persisted events for the web thread (default EVENT_BATCH_MS; tests) */
  eventBatchMs?: number;
}

type EndMessage = { outcome: 'done' } | { outcome: 'stopped' } | { outcome: 'failed'; reason: string; err: { message: string; stack?: string } };
/** a failed write, as it crosses threads (store-writer.ts: reviveWriteError) */
export type WriteError = { message: string; code?: string; name?: string };

/** web thread → engine thread */
export type ToEngine =
  /** startStored: check-started is already stored as seq 1 */
  | { t: 'run'; id: string; target: CheckInput; startStored?: boolean }
  /** the runner closed the check's log */
  | { t: 'stop'; id: string }
  /** abort the engine (shutdown) */
  | { t: 'abort'; id: string };

/** engine thread → web thread: only that it could not start */
export type FromEngine =
  | { t: 'fatal'; message: string }
  /** loaded and listening (warm() waits for it) */
  | { t: 'ready' };

/** web thread → store-writer thread */
export type ToWriter =
  /** a new check, with its first event when given (seq 1, same transaction) */
  | { t: 'create'; rid: number; check: { id: string; target: CheckInput; createdAt: number; visibility?: CheckVisibility }; first?: { type: string; json: string } }
  | { t: 'interrupt'; rid: number; id: string; reason: string; finishedAt?: number }
  /** a new engine thread's port */
  | { t: 'engine'; port: MessagePort };

/** engine thread → store-writer thread (the writes, then what it forwards in order); one message carries one, or an array of them in order */
export type EngineToWriter =
  /** publish: hand it to the web thread once persisted (not check-done: it comes with 'fin') */
  | { t: 'append'; rid: number; id: string; type: string; json: string; publish: boolean }
  | { t: 'finish'; rid: number; id: string; result: string; finishedAt: number }
  | { t: 'obs'; id: string; event: CheckEvent }
  | { t: 'fin'; id: string; seq: number; json: string; end: FinishedCheck }
  | { t: 'end'; id: string; end: EndMessage };

/** store-writer thread → engine thread: a write's seq, or its error (an array: the answers to one message's writes, in order) */
export type WriterToEngine = { rid: number; seq?: number; error?: WriteError };

/** store-writer thread → web thread */
export type FromWriter =
  /** several of the messages below, in order (store-writer.ts, EVENT_BATCH_MS) */
  | { t: 'batch'; items: FromWriter[] }
  | { t: 'obs'; id: string; event: CheckEvent }
  | { t: 'ev'; id: string; seq: number; json: string }
  | { t: 'fin'; id: string; seq: number; json: string; end: FinishedCheck }
  | { t: 'end'; id: string; end: EndMessage }
  /** answer to a write: its value, or the error (a CheckStoreError keeps its code) */
  | { t: 'wrote'; rid: number; value?: unknown; error?: WriteError }
  /** one timed store operation (recorded into the web thread's metrics) */
  | { t: 'storeOp'; labels: Parameters<StoreOpRecorder>[0]; seconds: number }
  /** the thread could not start (bad config, unreadable database) */
  | { t: 'fatal'; message: string }
  /** loaded, its store open (warm() waits for it) */
  | { t: 'ready' };

interface Run {
  /** the engine thread running it ('error' and 'exit' of one thread both arrive; only its own runs fail) */
  thread: Worker;
  sink: ExecutionSink;
  resolve: (end: ExecutionEnd) => void;
  /**
   * Its engine thread died: the run has ended 'failed', but events it persisted may still be on
   * their way from the writer (batched, EVENT_BATCH_MS). They are still published until the
   * runner's interruption is written, which the writer answers only after sending them.
   */
  failed?: boolean;
  /** the runner closed its log (stop) */
  stopped?: boolean;
}

export function createThreadExecutor(opts: {
  /** the engine thread's bundle */
  file: string | URL;
  /** the store-writer thread's bundle */
  writerFile: string | URL;
  config: RunnerThreadConfig;
  logger: ProbeLogger;
  onStoreOp?: StoreOpRecorder;
}): CheckExecutor & {
  /**
   * starts both threads now (the server's start), not with the first check; settles once both
   * have loaded (or one failed to start or exited: logged, and handled as for a check)
   */
  warm(): Promise<void>;
  /** the running engine thread's id, if any (tests) */
  threadId(): number | undefined;
  /** the running store-writer thread's id, if any (tests) */
  writerThreadId(): number | undefined;
  /** ends the store-writer thread as a crash would (tests) */
  terminateWriter(): Promise<void>;
} {
  const { logger } = opts;
  const runs = new Map<string, Run>();
  /** checks created with their check-started event, not yet run */
  const startStored = new Set<string>();
  /** writes awaiting the writer's answer */
  const pending = new Map<number, { thread: Worker; resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  let nextRid = 1;
  let engine: Worker | undefined;
  let writer: Worker | undefined;
  let closed = false;
  /** settles when the thread has said it is ready, or is gone */
  const loaded = new WeakMap<Worker, Promise<void>>();
  function whenLoaded(w: Worker): Promise<void> {
    let p = loaded.get(w);
    if (!p) {
      p = new Promise<void>((resolve) => {
        const onMessage = (m: { t?: string }) => {
          if (m?.t === 'ready' || m?.t === 'fatal') done();
        };
        const done = () => {
          w.off('message', onMessage);
          w.off('exit', done);
          w.off('error', done);
          resolve();
        };
        w.on('message', onMessage);
        w.once('exit', done);
        w.once('error', done);
      });
      loaded.set(w, p);
    }
    return p;
  }

  const parse = (json: string): CheckEvent => rememberJson(JSON.parse(json) as CheckEvent, json);

  function failRuns(w: Worker, why: string): void {
    if (engine === w) engine = undefined;
    for (const [id, run] of [...runs]) {
      if (run.thread !== w || run.failed) continue;
      // Kept until the runner's interruption is written (markInterrupted below), unless nothing
      // more can come: the executor is closing, or the runner already closed the check's log.
      if (closed || run.stopped) runs.delete(id);
      else run.failed = true;
      run.resolve({ outcome: 'failed', reason: 'runner-crashed', err: new Error(why) });
    }
  }

  function writerGone(w: Worker, why: string): void {
    if (writer !== w) return;
    writer = undefined;
    for (const [rid, p] of [...pending]) {
      if (p.thread !== w) continue;
      pending.delete(rid);
      p.reject(new Error(why));
    }
    // The engine thread's writes went to this writer: its checks cannot go on.
    const e = engine;
    if (e) {
      failRuns(e, why);
      void e.terminate();
    }
  }

  function fromWriter(m: FromWriter): void {
    if (m.t === 'batch') {
      for (const item of m.items) fromWriter(item);
      return;
    }
    if (m.t === 'storeOp') {
      opts.onStoreOp?.(m.labels, m.seconds);
      return;
    }
    if (m.t === 'fatal') {
      logger.error({ err: new Error(m.message) }, 'store writer thread could not start');
      return;
    }
    if (m.t === 'ready') return;
    if (m.t === 'wrote') {
      const p = pending.get(m.rid);
      if (!p) return;
      pending.delete(m.rid);
      if (!m.error) return p.resolve(m.value);
      p.reject(reviveWriteError(m.error));
      return;
    }
    const run = runs.get(m.id);
    if (!run) return;
    // A failed run's stored events still reach its viewers; its end has been decided.
    if (run.failed && m.t !== 'ev' && m.t !== 'obs') return;
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

  function startWriter(): Worker {
    if (writer) return writer;
    const w = new Worker(opts.writerFile, { workerData: opts.config, name: 'mxray-store-writer' });
    writer = w;
    whenLoaded(w);
    w.on('message', fromWriter);
    watch(w, 'store writer thread', writerGone);
    return w;
  }

  /**
   * Logs a thread's failure or unexpected exit and ends what depended on it (`gone`); unrefs it:
   * the web server keeps the process alive, the threads alone must not.
   */
  function watch(w: Worker, what: string, gone: (w: Worker, why: string) => void): void {
    w.on('error', (err) => {
      logger.error({ err, running: runs.size }, `${what} failed`);
      gone(w, `${what} failed: ${err.message}`);
    });
    w.on('exit', (code) => {
      if (!closed) logger.error({ code, running: runs.size }, `${what} exited`);
      gone(w, `${what} exited (code ${code})`);
    });
    w.unref();
  }

  function startEngine(): Worker {
    if (engine) return engine;
    const { port1, port2 } = new MessageChannel();
    startWriter().postMessage({ t: 'engine', port: port2 } satisfies ToWriter, [port2]);
    const w = new Worker(opts.file, {
      workerData: { ...opts.config, writer: port1 },
      transferList: [port1],
      name: 'mxray-check-runner',
      resourceLimits: ENGINE_THREAD_RESOURCE_LIMITS,
    });
    engine = w;
    whenLoaded(w);
    w.on('message', (m: FromEngine) => {
      if (m.t === 'fatal') logger.error({ err: new Error(m.message) }, 'check runner thread could not start');
    });
    watch(w, 'check runner thread', failRuns);
    return w;
  }

  const toEngine = (m: ToEngine) => engine?.postMessage(m);

  function write<T>(m: (rid: number) => ToWriter): Promise<T> {
    if (closed) return Promise.reject(new Error('check runner thread closed'));
    return new Promise<T>((resolve, reject) => {
      const rid = nextRid++;
      const w = startWriter();
      pending.set(rid, { thread: w, resolve: resolve as (v: unknown) => void, reject });
      w.postMessage(m(rid));
    });
  }

  return {
    run({ id, target }, signal, _stopped, sink) {
      // The thread polls its own copy of stopped(): stop() below tells it.
      const stored = startStored.delete(id);
      if (closed) return Promise.resolve({ outcome: 'failed', reason: 'shutdown', err: new Error('executor closed') });
      return new Promise<ExecutionEnd>((resolve) => {
        const w = startEngine();
        runs.set(id, { thread: w, sink, resolve });
        w.postMessage({ t: 'run', id, target, ...(stored ? { startStored: true } : {}) } satisfies ToEngine);
        const onAbort = () => toEngine({ t: 'abort', id });
        if (signal.aborted) onAbort();
        else signal.addEventListener('abort', onAbort, { once: true });
      });
    },
    async warm() {
      if (closed) return;
      const e = startEngine();
      const w = writer;
      await Promise.all([whenLoaded(e), ...(w ? [whenLoaded(w)] : [])]);
    },
    stop(id) {
      startStored.delete(id);
      const run = runs.get(id);
      if (run) run.stopped = true;
      if (runs.has(id)) toEngine({ t: 'stop', id });
    },
    async close() {
      closed = true;
      const e = engine;
      const w = writer;
      engine = undefined;
      if (e) {
        await e.terminate();
        failRuns(e, 'check runner thread closed');
      }
      if (w) {
        await w.terminate();
        writerGone(w, 'store writer thread closed');
      }
    },
    writes: {
      createCheck: async (check) => {
        // Stored with its check-started event: the first event a viewer gets needs no engine.
        const first = startedEvent(check.target, check.createdAt);
        await write<void>((rid) => ({ t: 'create', rid, check, first }));
        startStored.add(check.id);
        // A new check's first event is its seq 1 (createWithEvent, one transaction).
        return { first: { seq: 1, json: first.json } };
      },
      markInterrupted: (id, reason, finishedAt) =>
        write<boolean>((rid) => ({ t: 'interrupt', rid, id, reason, ...(finishedAt !== undefined ? { finishedAt } : {}) })).finally(() => {
          // The writer sent whatever it had persisted for the check before this answer; after it,
          // nothing more of the check can be persisted (it is no longer running).
          if (runs.get(id)?.failed) runs.delete(id);
        }),
    },
    threadId: () => engine?.threadId,
    writerThreadId: () => writer?.threadId,
    terminateWriter: async () => {
      await writer?.terminate();
    },
  };
}
