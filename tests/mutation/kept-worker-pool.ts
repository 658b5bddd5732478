/**
 * A vitest pool whose worker thread outlives a test run, for mutation runs
 * (vitest.mutation.config.ts).
 *
 * StrykerJS's vitest runner calls `vitest.start(files)` once per mutant, and vitest's pool stops
 * its worker at the end of every such run (it keeps a worker only between the files of one run).
 * A fresh worker thread costs about 0.35 s of CPU (and much of the run's system time) before the
 * first test file is imported: vitest's runtime, the environment, then zod and the other packages
 * the tests import. This pool hands every run the same thread (tests/mutation/kept-worker.mjs),
 * which evaluates the project's modules and test files afresh each run but keeps vitest's runtime
 * and the externalised packages loaded.
 *
 * The thread is retired (terminated, a new one started for the next run) after RUNS_PER_THREAD
 * runs, so what runs leave behind on its heap stays bounded, and replaced when it exits on its own
 * (a crash, or StrykerJS ending the runner process after a timeout).
 */
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { PoolOptions, PoolRunnerInitializer, PoolWorker, WorkerRequest } from 'vitest/node';

export const KEPT_WORKER_POOL = 'kept-thread';
// The thread's resident memory grows by about 2 MB a run (each run compiles the project's modules
// anew): measured 256 MB after the first run, 750 MB after 250. 100 runs keep it near 500 MB for
// the cost of one fresh thread per 100 mutants.
export const RUNS_PER_THREAD = 100;

const entrypoint = fileURLToPath(new URL('./kept-worker.mjs', import.meta.url));

type Kept = { thread: Worker; runs: number };
let kept: Kept | undefined;

function spawn(options: PoolOptions): Kept {
  const thread = new Worker(entrypoint, { env: options.env, execArgv: options.execArgv, stdout: true, stderr: true });
  thread.stdout.pipe(options.project.vitest.logger.outputStream, { end: false });
  thread.stderr.pipe(options.project.vitest.logger.errorStream, { end: false });
  const entry: Kept = { thread, runs: 0 };
  thread.once('exit', () => {
    if (kept === entry) kept = undefined;
  });
  return entry;
}

/** Ends the kept thread (vitest's close: StrykerJS disposing of a test runner). */
export async function endKeptWorker(): Promise<void> {
  const entry = kept;
  kept = undefined;
  await entry?.thread.terminate();
}

class KeptThreadPoolWorker implements PoolWorker {
  readonly name = KEPT_WORKER_POOL;
  private entry: Kept | undefined;
  private readonly listeners: [string, (arg: unknown) => void][] = [];

  constructor(private readonly options: PoolOptions) {}

  private get thread(): Worker {
    if (this.entry === undefined) throw new Error('kept-thread pool: the worker was not started');
    return this.entry.thread;
  }

  async start(): Promise<void> {
    kept ??= spawn(this.options);
    kept.runs += 1;
    this.entry = kept;
  }

  async stop(): Promise<void> {
    const entry = this.entry;
    if (entry === undefined) return;
    for (const [event, callback] of this.listeners.splice(0)) entry.thread.off(event, callback);
    this.entry = undefined;
    if (entry.runs >= RUNS_PER_THREAD && kept === entry) await endKeptWorker();
  }

  on(event: string, callback: (arg: unknown) => void): void {
    this.listeners.push([event, callback]);
    this.thread.on(event, callback);
  }

  off(event: string, callback: (arg: unknown) => void): void {
    const index = this.listeners.findIndex(([e, c]) => e === event && c === callback);
    if (index !== -1) this.listeners.splice(index, 1);
    this.thread.off(event, callback);
  }

  send(message: WorkerRequest): void {
    this.thread.postMessage(message);
  }

  deserialize(data: unknown): unknown {
    return data;
  }
}

export const keptWorkerPool: PoolRunnerInitializer = {
  name: KEPT_WORKER_POOL,
  createPoolWorker: (options) => new KeptThreadPoolWorker(options),
};
