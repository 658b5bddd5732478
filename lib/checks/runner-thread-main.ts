/**
 * The embedded server's engine thread (thread-executor.ts starts it; scripts/build-worker.mjs
 * builds it to dist/worker/runner-thread.mjs). It runs checks with the real engine and the same
 * inline executor as everywhere else (engine-thread.ts), at a lower CPU priority than the web
 * thread (CHECK_RUNNER_NICE); the store-writer thread persists what it reports.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { getEnv } from '@/lib/env';
import { logger as rootLogger } from '@/lib/log';
import { createEngine, engineConfigFromEnv } from '@/lib/probe/create-engine';
import { runEngineThread } from './engine-thread';
import type { FromEngine, RunnerThreadConfig } from './thread-executor';

const port = parentPort;
if (!port) throw new Error('runner-thread-main runs in a worker thread');
const config = workerData as RunnerThreadConfig & { writer: MessagePort };
const send = (m: FromEngine) => port.postMessage(m);

try {
  const logger = rootLogger.child({ component: 'engine' });
  const env = getEnv();
  const engine = createEngine({ ...engineConfigFromEnv(env), logger });
  // It lowers its own CPU priority first (CHECK_RUNNER_NICE).
  runEngineThread({ parent: port, writer: config.writer, engine, config, logger });
} catch (err) {
  send({ t: 'fatal', message: err instanceof Error ? err.message : String(err) });
  throw err;
}
