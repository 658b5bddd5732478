/**
 * Setup file of mutation runs (vitest.mutation.config.ts): records the timers that test and
 * project code start, so that the worker thread kept between mutant runs
 * (tests/mutation/kept-worker.mjs) can cancel the ones a run left behind before the next run starts,
 * as a fresh worker would never see them. Without it, a mutant that keeps an interval running (the
 * SSE heartbeat that a mutated `stop` never clears) had that interval fire into later runs, for
 * other mutants, as uncaught errors.
 *
 * Installed once per thread, after vitest has taken its own copies of the timer functions (its
 * environment set-up runs before setup files), so vitest's own timers are not recorded. Fake timers
 * (vi.useFakeTimers) wrap these functions and put them back afterwards.
 */
import { promisify } from 'node:util';

export const KEPT_TIMERS = Symbol.for('mxray.mutation.keptWorkerTimers');

export type KeptTimers = { readonly pending: Set<NodeJS.Timeout>; cancelAll(): void };

type WithKeptTimers = typeof globalThis & { [KEPT_TIMERS]?: KeptTimers };

function install(scope: WithKeptTimers): void {
  const pending = new Set<NodeJS.Timeout>();
  const { setTimeout: realSetTimeout, setInterval: realSetInterval, clearTimeout: realClearTimeout } = scope;
  const realClearInterval = scope.clearInterval;

  const setTimeoutKept = ((...args: Parameters<typeof realSetTimeout>) => {
    const timer = realSetTimeout(...args);
    pending.add(timer);
    return timer;
  }) as typeof realSetTimeout;
  // util.promisify(setTimeout) and timers that rely on it keep working.
  Object.defineProperty(setTimeoutKept, promisify.custom, { value: (realSetTimeout as unknown as Record<symbol, unknown>)[promisify.custom] });
  const setIntervalKept = ((...args: Parameters<typeof realSetInterval>) => {
    const timer = realSetInterval(...args);
    pending.add(timer);
    return timer;
  }) as typeof realSetInterval;

  scope.setTimeout = setTimeoutKept;
  scope.setInterval = setIntervalKept;
  scope.clearTimeout = (timer) => {
    if (timer !== undefined && timer !== null && typeof timer === 'object') pending.delete(timer as NodeJS.Timeout);
    realClearTimeout(timer);
  };
  scope.clearInterval = (timer) => {
    if (timer !== undefined && timer !== null && typeof timer === 'object') pending.delete(timer as NodeJS.Timeout);
    realClearInterval(timer);
  };
  scope[KEPT_TIMERS] = {
    pending,
    cancelAll() {
      for (const timer of pending) realClearTimeout(timer);
      pending.clear();
    },
  };
}

const scope = globalThis as WithKeptTimers;
if (scope[KEPT_TIMERS] === undefined) install(scope);
