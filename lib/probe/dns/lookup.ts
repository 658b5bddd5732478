/**
 * One DNS question as a result, never an exception: status, resolver code and time taken, with a
 * bound on questions in flight and an abort signal that ends waiting at once.
 */
import type { DnsStatus } from '@/lib/probe/schema';
import type { Clock } from '@/lib/probe/types';
import { classifyDnsError } from '@/lib/probe/dns/resolver';

export interface Lookup<T> {
  status: DnsStatus;
  errorCode?: string;
  ms: number;
  /** present when status is 'ok' */
  value?: T;
}

/** c-ares' own code for a cancelled query; reused so an abort reads the same either way. */
export const CANCELLED = 'ECANCELLED';
/** Our code for a question not asked because the check's question budget was spent. */
export const QUESTION_LIMIT = 'EQUESTIONLIMIT';

/** Questions one check may ask, and what it has asked (mutable, shared by the check's lookups). */
export interface QuestionBudget {
  max: number;
  asked: number;
  /** questions not asked because the budget was spent */
  refused: number;
}

export type Runner = <T>(key: string, question: () => Promise<T>) => Promise<Lookup<T>>;

/**
 * Runs questions at most `concurrency` at a time. Answers are shared by key within one runner, so a
 * name asked twice (an MX host that is also a PTR target) costs one question.
 */
export function createLookupRunner(opts: {
  clock: Clock;
  signal?: AbortSignal;
  concurrency: number;
  /** bounds the questions actually sent (memoised repeats are free); absent: unbounded */
  budget?: QuestionBudget;
}): Runner {
  const { clock, signal } = opts;
  const limit = Math.max(1, Math.floor(opts.concurrency));
  let active = 0;
  const waiting: (() => void)[] = [];
  const memo = new Map<string, Promise<Lookup<unknown>>>();

  const release = () => {
    active--;
    waiting.shift()?.();
  };
  const acquire = () =>
    new Promise<void>((resolve) => {
      if (active < limit) {
        active++;
        resolve();
      } else {
        waiting.push(() => {
          active++;
          resolve();
        });
      }
    });

  let aborted: Promise<void> | undefined;
  const abortedPromise = () => {
    if (!signal) return new Promise<void>(() => {});
    aborted ??= new Promise<void>((resolve) => {
      if (signal.aborted) resolve();
      else signal.addEventListener('abort', () => resolve(), { once: true });
    });
    return aborted;
  };

  const run = async <T>(question: () => Promise<T>): Promise<Lookup<T>> => {
    const start = clock.monotonic();
    const elapsed = () => Math.max(0, clock.monotonic() - start);
    const cancelled = (): Lookup<T> => ({ status: 'error', errorCode: CANCELLED, ms: elapsed() });
    if (signal?.aborted) return cancelled();
    // Waiting for a slot ends early on abort; the slot, once granted, is handed back at the end.
    const slot = acquire();
    const first = await Promise.race([slot.then(() => 'slot' as const), abortedPromise().then(() => 'abort' as const)]);
    if (first === 'abort') {
      void slot.then(release);
      return cancelled();
    }
    try {
      if (signal?.aborted) return cancelled();
      const started = clock.monotonic();
      const outcome = await Promise.race([
        // Through then(): a resolver that throws synchronously still becomes a status.
        Promise.resolve().then(question).then(
          (value) => ({ ok: true as const, value }),
          (err: unknown) => ({ ok: false as const, err }),
        ),
        abortedPromise().then(() => undefined),
      ]);
      const ms = Math.max(0, clock.monotonic() - started);
      if (outcome === undefined) return { status: 'error', errorCode: CANCELLED, ms };
      if (outcome.ok) return { status: 'ok', ms, value: outcome.value };
      return { ...classifyDnsError(outcome.err), ms };
    } finally {
      release();
    }
  };

  return <T>(key: string, question: () => Promise<T>): Promise<Lookup<T>> => {
    const hit = memo.get(key);
    if (hit) return hit as Promise<Lookup<T>>;
    const budget = opts.budget;
    if (budget && budget.asked >= budget.max) {
      budget.refused++;
      return Promise.resolve({ status: 'error', errorCode: QUESTION_LIMIT, ms: 0 });
    }
    if (budget) budget.asked++;
    const p = run(question);
    memo.set(key, p as Promise<Lookup<unknown>>);
    return p;
  };
}

/** The DnsLookup shape of the schema (no value). */
export function asDnsLookup(l: Lookup<unknown>): { status: DnsStatus; errorCode?: string; ms: number } {
  return l.errorCode === undefined ? { status: l.status, ms: l.ms } : { status: l.status, errorCode: l.errorCode, ms: l.ms };
}
