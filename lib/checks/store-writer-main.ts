/**
 * The embedded server's store-writer thread (thread-executor.ts starts it; scripts/build-worker.mjs
 * builds it to dist/worker/store-writer.mjs): the one writer of the SQLite file (store-writer.ts).
 * It loads the web thread's own better-sqlite3 addon (nativeBinding): two SQLite libraries in one
 * process ignore each other's POSIX locks and corrupt the file (sqlite-store.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createSqliteStore } from '@/lib/store/sqlite-store';
import { runStoreWriter } from './store-writer';
import type { FromWriter, RunnerThreadConfig } from './thread-executor';

const port = parentPort;
if (!port) throw new Error('store-writer-main runs in a worker thread');
const config = workerData as RunnerThreadConfig;
const send = (m: FromWriter) => port.postMessage(m);

try {
  // Its own connection to the web thread's file: WAL lets the web thread read meanwhile.
  const store = createSqliteStore({ file: config.file, ...(config.nativeBinding ? { nativeBinding: config.nativeBinding } : {}) });
  runStoreWriter({ parent: port, store, ...(config.eventBatchMs !== undefined ? { batchMs: config.eventBatchMs } : {}), ...(config.timeStore ? { onStoreOp: (labels, seconds) => send({ t: 'storeOp', labels, seconds }) } : {}) });
} catch (err) {
  send({ t: 'fatal', message: err instanceof Error ? err.message : String(err) });
  throw err;
}
