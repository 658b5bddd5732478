/**
 * Entry point of the worker thread that stays up between StrykerJS mutant runs
 * (tests/mutation/kept-worker-pool.ts). Plain JavaScript: Node starts it directly, not through Vite.
 *
 * It is vitest's own `threads` worker (vitest/worker's init, runBaseTests, setupEnvironment) with
 * three differences, each needed for a thread that serves many test runs:
 * - "stop" is answered without tearing down: vitest's teardown unhooks the thread's message port
 *   for good. The pool terminates the thread itself when it retires it.
 * - The test environment (`node`) is set up once; the next runs reuse it.
 * - Before every run, the timers the previous run left running are cancelled
 *   (tests/mutation/kept-worker-timers.ts records them), and every module it evaluated is marked stale
 *   (vitest's own reset between files with `isolate: true`): the project's modules, the instrumented
 *   sources and the test files are evaluated afresh in every run, exactly as in a fresh worker. What
 *   stays loaded is what a fresh worker pays for on every mutant: vitest's runtime in the thread and
 *   the externalised packages (zod, fast-check, ipaddr.js, …), which Node caches itself. Stryker's
 *   active mutant is cleared too, so module-level code runs unmutated, as in a fresh worker.
 */
import { parentPort, isMainThread } from 'node:worker_threads';
import { init, runBaseTests, setupEnvironment } from 'vitest/worker';

if (isMainThread || !parentPort) throw new Error('kept-worker.mjs runs in a worker thread');
const port = parentPort;

/** vitest's runtime modules: kept, as vitest's own resetModules keeps them. */
const KEEP = [/\/vitest\/dist\//, /vitest-virtual-\w+\/dist/, /@vitest\/dist/];

/** The evaluated-module graph vitest keeps for the life of the thread (set by the first run). */
let modules;
let environment;
let requestHandler;
let rpcHandler;

function freshModules() {
  // Timers the previous run left running (tests/mutation/kept-worker-timers.ts): a fresh worker
  // would not have them.
  globalThis[Symbol.for('mxray.mutation.keptWorkerTimers')]?.cancelAll();
  if (modules === undefined) return;
  modules.idToModuleMap.forEach((node, id) => {
    if (KEEP.some((re) => re.test(id))) return;
    node.promise = undefined;
    node.exports = undefined;
    node.evaluated = false;
    node.importers.clear();
  });
  // Stryker's namespace (the instrumenter's default, `__stryker__`): its setup file sets the active
  // mutant again before the first test (or at load, for static activation).
  const stryker = globalThis.__stryker__;
  if (stryker !== undefined) stryker.activeMutant = undefined;
}

async function runIn(method, state, traces) {
  freshModules();
  await runBaseTests(method, state, traces);
  modules = globalThis.__vitest_worker__?.evaluatedModules ?? modules;
}

init({
  post: (message) => port.postMessage(message),
  on(callback) {
    // The first listener is init's request handler, the next ones one RPC channel per run
    // ("start"): only the current run's channel listens.
    if (requestHandler === undefined) {
      requestHandler = (message) => {
        if (message?.__vitest_worker_request__ === true && message.type === 'stop') {
          port.postMessage({ type: 'stopped', __vitest_worker_response__: true });
          return;
        }
        callback(message);
      };
      port.on('message', requestHandler);
      return;
    }
    if (rpcHandler !== undefined) port.off('message', rpcHandler);
    rpcHandler = callback;
    port.on('message', callback);
  },
  off(callback) {
    port.off('message', callback);
    if (callback === rpcHandler) rpcHandler = undefined;
  },
  runTests: (state, traces) => runIn('run', state, traces),
  collectTests: (state, traces) => runIn('collect', state, traces),
  setup: (context) => (environment ??= setupEnvironment(context)),
});
