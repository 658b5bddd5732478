/**
 * Running one check: the engine's events through the storage budget into the store, each one
 * announced once it is persisted. The runner (runner.ts) decides when a check runs and what its end
 * means; an executor only runs it. The inline executor runs in the runner's own thread (tests, the
 * scaled worker, `next dev`); the threaded one (thread-executor.ts) runs this same inline executor in
 * a worker thread, so probes and event writes never hold up the web server's event loop.
 */
import type { CheckEngine } from '@/lib/probe/engine';
import type { CheckEvent, CheckInput, CheckResult } from '@/lib/probe/schema';
import type { Clock } from '@/lib/probe/types';
import type { CheckStore } from '@/lib/store/check-store';
import { rememberJson } from './event-json';
import { createRefusedRedactor } from './redact-refused';
import { createStorageBudget } from './storage-budget';

/** What the executor reports while a check runs, in order. */
export interface ExecutionSink {
  /** each engine event as the engine reported it, before storage trims it (observers) */
  observed?(event: CheckEvent): void;
  /** an event is persisted as `seq`: publish it now; `json` is its serialised form when known */
  stored(seq: number, event: CheckEvent, json?: string): void;
  /** the final event is persisted and the check is 'done' in the store */
  finished(seq: number, event: CheckEvent, end: FinishedCheck, json?: string): void;
}

export interface FinishedCheck {
  verdict: CheckResult['summary']['verdict'];
  incomplete: boolean;
  storedBytes: number;
  /** the stored result, when the runner's observers need it (it can be ~50 kB to hand across threads) */
  result?: CheckResult;
}

export type ExecutionEnd =
  | { outcome: 'done' }
  /** the runner closed the check's log (stopped() became true): nothing more was written */
  | { outcome: 'stopped' }
  /** our bug, the store's, or the executor's thread dying: the runner marks the check interrupted */
  | { outcome: 'failed'; reason: string; err: unknown };

export interface CheckExecutor {
  /**
   * Runs the check until it ends; never rejects. `stopped` is polled between events: once true,
   * the runner has closed the log and nothing more is written. `startStored`: the check was
   * created with its check-started event already stored as seq 1 (startedEvent below; the threaded
   * executor does this so a viewer's first event never waits for the engine): the engine's own
   * check-started is observed and counted in the storage budget, not stored again.
   */
  run(check: { id: string; target: CheckInput; startStored?: boolean }, signal: AbortSignal, stopped: () => boolean, sink: ExecutionSink): Promise<ExecutionEnd>;
  /** the runner closed this check's log (interrupted it); a threaded executor tells its thread */
  stop?(id: string): void;
  /** releases the executor's resources (the thread) once the runner has shut down */
  close?(): Promise<void>;
  /**
   * Starts what the first check would otherwise start (a threaded executor's threads), so a
   * server's first burst of checks does not also pay for loading them; settles once they have
   * loaded (or failed to: that is logged and handled where a check needs them)
   */
  warm?(): Promise<void>;
  /**
   * Where the runner's own writes (a new check, an interruption) go when they must not come from
   * its thread: a threaded executor is the one writer of the SQLite file, so the web thread never
   * waits on its write lock (a busy SQLite wait blocks the whole event loop). A check created with
   * its first event (startStored) answers that event's seq and JSON, as stored.
   */
  writes?: Pick<CheckStore, 'markInterrupted'> & {
    createCheck(check: Parameters<CheckStore['createCheck']>[0]): Promise<void | { first: { seq: number; json: string } }>;
  };
}

/**
 * The check-started event as an executor stores it (through the same redactor and storage budget),
 * for a check created with its first event: what the engine's own first yield would have stored,
 * with the creation time as startedAt.
 */
export function startedEvent(target: CheckInput, at: number): { type: 'check-started'; json: string } {
  const admitted = createStorageBudget().admit(createRefusedRedactor().event({ type: 'check-started', target, startedAt: new Date(at).toISOString() }));
  if (!admitted) throw new Error('the storage budget refused a check-started event');
  return { type: 'check-started', json: admitted.json };
}

export function createInlineExecutor(deps: {
  engine: CheckEngine;
  /** where events and the result go: the store, or (engine thread) the store-writer thread */
  store: Pick<CheckStore, 'appendEvent' | 'finishCheck'>;
  clock: Clock;
  maxStoredBytes?: number;
  /** hand the whole stored result to finished() (the runner's observers want it) */
  withResult?: boolean;
}): CheckExecutor {
  const { engine, store, clock } = deps;
  return {
    async run({ id, target, startStored }, signal, stopped, sink) {
      const gen = engine.run(target, signal);
      const budget = createStorageBudget(deps.maxStoredBytes);
      const redact = createRefusedRedactor();
      try {
        for (;;) {
          const step = await gen.next();
          // Once the runner has marked the check interrupted, its log is closed: drop what follows.
          if (stopped()) return { outcome: 'stopped' };
          // An engine that returns its result without yielding 'check-done' still gets one logged.
          const event: CheckEvent = step.done ? { type: 'check-done', result: step.value } : step.value;
          // Observers (metrics, traces) see what the engine reported, before storage trims it.
          sink.observed?.(event);
          if (event.type === 'check-done') {
            // Stored once, within the check's budget; the logged check-done leaves out what earlier
            // events carried (event version 2).
            const final = budget.finish(redact.result(event.result));
            rememberJson(final.event, final.eventJson);
            const seq = await store.appendEvent(id, final.event);
            await store.finishCheck(id, final.result, clock.now());
            const { summary, incomplete } = final.result;
            const end: FinishedCheck = { verdict: summary.verdict, incomplete, storedBytes: budget.used };
            sink.finished(seq, final.event, deps.withResult === false ? end : { ...end, result: final.result }, final.eventJson);
            return { outcome: 'done' };
          }
          const admitted = budget.admit(redact.event(event));
          if (!admitted) continue;
          // Stored at creation (startStored): counted in the budget above, not stored twice.
          if (startStored && event.type === 'check-started') continue;
          rememberJson(admitted.event, admitted.json);
          const seq = await store.appendEvent(id, admitted.event);
          sink.stored(seq, admitted.event, admitted.json);
        }
      } catch (err) {
        if (stopped()) return { outcome: 'stopped' };
        // Our bug or the store's, never the probed server's: the engine reports those as results.
        return { outcome: 'failed', reason: 'engine-error', err };
      } finally {
        await gen.return(undefined as never).catch(() => {});
      }
    },
  };
}
