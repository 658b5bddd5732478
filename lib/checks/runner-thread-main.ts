/**
 * The embedded server's check runner thread (thread-executor.ts starts it; scripts/build-worker.mjs
 * builds it to dist/worker/runner-thread.mjs). It runs checks with the same engine and inline
 * executor as everywhere else, writes their events to the SQLite file through its own connection,
 * and hands each persisted event, with its JSON, to the web thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { getEnv } from '@/lib/env';
import { logger as rootLogger } from '@/lib/log';
import { createEngine, engineConfigFromEnv } from '@/lib/probe/create-engine';
import { systemClock } from '@/lib/probe/types';
import { createSqliteStore } from '@/lib/store/sqlite-store';
import { timeStore } from '@/lib/observability/timed-store';
import { createInlineExecutor } from './check-executor';
import type { FromThread, RunnerThreadConfig, ToThread } from './thread-executor';

const port = parentPort;
if (!port) throw new Error('runner-thread-main runs in a worker thread');
const config = workerData as RunnerThreadConfig;
const send = (m: FromThread) => port.postMessage(m);

try {
  const env = getEnv();
  const engine = createEngine({ ...engineConfigFromEnv(env), logger: rootLogger.child({ component: 'engine' }) });
  // Its own connection to the web thread's file: WAL lets the web thread read meanwhile. It only
  // writes the events and results of checks the web thread created.
  const opened = createSqliteStore({ file: config.file, ...(config.nativeBinding ? { nativeBinding: config.nativeBinding } : {}) });
  // Its writes are the process's store operations: timed here, recorded by the web thread's metrics.
  const store = config.timeStore ? timeStore(opened, (labels, seconds) => send({ t: 'storeOp', labels, seconds })) : opened;
  const executor = createInlineExecutor({
    engine,
    store,
    clock: systemClock,
    ...(config.maxStoredBytes !== undefined ? { maxStoredBytes: config.maxStoredBytes } : {}),
    withResult: config.observe,
  });
  const runs = new Map<string, { controller: AbortController; stopped: boolean }>();

  const answer = (rid: number, work: () => Promise<unknown>) =>
    void work().then(
      (value) => send({ t: 'wrote', rid, value }),
      (err: unknown) => {
        const e = err as Error & { code?: unknown };
        send({ t: 'wrote', rid, error: { message: e.message ?? String(err), name: e.name, ...(typeof e.code === 'string' ? { code: e.code } : {}) } });
      },
    );

  port.on('message', (m: ToThread) => {
    if (m.t === 'create') answer(m.rid, () => store.createCheck(m.check));
    else if (m.t === 'interrupt') answer(m.rid, () => store.markInterrupted(m.id, m.reason, m.finishedAt));
    else if (m.t === 'run') {
      const run = { controller: new AbortController(), stopped: false };
      runs.set(m.id, run);
      const { id } = m;
      void executor
        .run({ id, target: m.target }, run.controller.signal, () => run.stopped, {
          ...(config.observe ? { observed: (event) => send({ t: 'obs', id, event }) } : {}),
          stored: (seq, event, json) => send({ t: 'ev', id, seq, json: json ?? JSON.stringify(event) }),
          finished: (seq, event, end, json) => send({ t: 'fin', id, seq, json: json ?? JSON.stringify(event), end }),
        })
        .then((end) => {
          runs.delete(id);
          if (end.outcome !== 'failed') return send({ t: 'end', id, end });
          const err = end.err instanceof Error ? end.err : new Error(String(end.err));
          send({ t: 'end', id, end: { outcome: 'failed', reason: end.reason, err: { message: err.message, ...(err.stack ? { stack: err.stack } : {}) } } });
        });
    } else {
      const run = runs.get(m.id);
      if (!run) return;
      if (m.t === 'stop') run.stopped = true;
      else run.controller.abort();
    }
  });
} catch (err) {
  send({ t: 'fatal', message: err instanceof Error ? err.message : String(err) });
  throw err;
}
