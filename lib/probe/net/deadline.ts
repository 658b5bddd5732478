/**
 * Every wait in a probe ends: at its own stage deadline, at the probe's whole budget, or when the
 * check is cancelled. Which of the three ended it matters for the outcome, so it is reported.
 */

/** When a wait must end, on the injected monotonic clock, and whether that is the probe budget. */
export interface Deadline {
  at: number;
  byBudget: boolean;
  /** the clock the deadline is on */
  now: () => number;
}

export type WaitInterrupt = 'timeout' | 'budget' | 'aborted';

/** setTimeout's largest delay (2^31 - 1 ms); anything above it fires after 1 ms instead. */
const MAX_TIMER_MS = 2_147_483_647;

/** The earlier of a stage deadline (ms from now) and the probe's budget end. */
export function deadlineFor(stageMs: number, budgetAt: number, now: () => number): Deadline {
  const stageAt = now() + stageMs;
  return stageAt < budgetAt ? { at: stageAt, byBudget: false, now } : { at: budgetAt, byBudget: true, now };
}

/**
 * Runs `start`, which calls `done` once with its result and returns a cleanup function, and races it
 * against the deadline and the abort signal. Cleanup always runs, exactly once.
 */
export function waitWithDeadline<T>(
  opts: { deadline: Deadline; signal?: AbortSignal },
  start: (done: (value: T) => void) => () => void,
): Promise<T | { interrupted: WaitInterrupt }> {
  return new Promise((resolve) => {
    let settled = false;
    let cleanup: (() => void) | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const { signal, deadline } = opts;
    const finish = (value: T | { interrupted: WaitInterrupt }) => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      cleanup?.();
      resolve(value);
    };
    const onAbort = () => finish({ interrupted: 'aborted' });
    if (signal?.aborted) return finish({ interrupted: 'aborted' });
    signal?.addEventListener('abort', onAbort, { once: true });
    // "No deadline" (an infinite budget and stage) arms no timer at all: setTimeout would turn
    // Infinity into 1 ms (TimeoutOverflowWarning) and end the wait at once. A finite delay beyond
    // setTimeout's range is waited for in steps.
    const arm = (ms: number) => {
      timer = setTimeout(
        () => (ms > MAX_TIMER_MS ? arm(ms - MAX_TIMER_MS) : finish({ interrupted: deadline.byBudget ? 'budget' : 'timeout' })),
        Math.min(ms, MAX_TIMER_MS),
      );
    };
    if (Number.isFinite(deadline.at)) arm(Math.max(0, deadline.at - deadline.now()));
    const stop = start((value) => finish(value));
    if (settled) stop();
    else cleanup = stop;
  });
}
