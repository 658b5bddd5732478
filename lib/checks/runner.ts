/**
 * The check runner: starts checks on behalf of the API and runs them independently of any HTTP
 * request. It bounds how many run at once (plus a short queue), answers a repeated request with
 * the check already running or just finished, persists every event before anyone sees it, and fans
 * live events out to viewers, who attach with replay-then-tail (subscribe).
 */
import 'server-only';
import type { CheckEngine, PrepareOptions } from '@/lib/probe/engine';
import type { CheckEvent, CheckInput, CheckMode, CheckResult } from '@/lib/probe/schema';
import { systemClock, type Clock, type ProbeLogger } from '@/lib/probe/types';
import type { CheckRecord, CheckStore, CheckVisibility } from '@/lib/store/check-store';
import { newCheckId } from '@/lib/store/check-id';
import { combineObservers, type CheckObserver, type TraceCarrier } from './check-observer';
import { createEventHub, type CheckEnd as HubCheckEnd, type EventHub } from './event-hub';
import { createInlineExecutor, type CheckExecutor } from './check-executor';
import { eventJson } from './event-json';
import { createLiveLog } from './live-log';
import { replayThenTail, type Subscriber } from './replay-then-tail';

export type { CheckEnd } from './event-hub';
export type { Subscriber } from './replay-then-tail';

export type { CheckStatus } from './check-status';
import type { CheckStatus } from './check-status';

export interface RunnerOptions {
  engine: CheckEngine;
  store: CheckStore;
  logger: ProbeLogger;
  /** checks running at once, across all clients */
  maxConcurrent: number;
  /** checks waiting for a slot; beyond that, start() answers 'saturated' */
  queueSize: number;
  /** a check of the same domain and mode finished this recently is returned instead of a new one */
  dedupeWindowMs: number;
  clock?: Clock;
  /** how long shutdown() lets running checks finish before interrupting them */
  shutdownGraceMs?: number;
  /** what a saturated answer suggests as Retry-After */
  saturatedRetryAfterSec?: number;
  /**
   * checks one client may have queued or running at once (MAX_RUNNING_PER_CLIENT), so one client
   * cannot fill the global queue; absent: no per-client bound
   */
  maxPerClient?: number;
  /** bytes one check may store, events and result together (CHECK_MAX_STORED_BYTES) */
  maxStoredBytes?: number;
  /** metrics and traces (lib/observability); guarded, never able to fail a check */
  observers?: CheckObserver[];
  /**
   * Where live events go. Default: in-process, to this process's viewers. A scaled-mode worker
   * passes the Redis fan-out (lib/scale/redis-event-hub.ts), read by every web instance.
   */
  hub?: EventHub;
  /** the one vantage an embedded runner probes from (VANTAGE); a request for another is refused */
  vantage?: string;
  /**
   * Runs each check (engine, storage budget, event writes). Default: inline, in this thread. The
   * embedded production server runs them in a worker thread (thread-executor.ts) so probes and
   * writes never hold up HTTP handling; queueing, dedupe, fan-out and viewers stay here.
   */
  executor?: CheckExecutor;
  /**
   * At start, mark checks left 'running' by a previous process interrupted (default true). Not in
   * scaled mode: there other processes run checks, and lost ones are BullMQ's stalled jobs.
   */
  markStaleOnStart?: boolean;
}

export type StartOutcome =
  /** `group`: a check asked of several vantages is one check per vantage, all listed here */
  | { ok: true; id: string; status: CheckStatus; deduped: boolean; group?: { vantage: string; id: string }[] }
  /** the engine refused the input; reason is its code (invalid-domain, ip-literal, …) */
  | { ok: false; code: 'invalid_input'; reason: string; message: string }
  | { ok: false; code: 'saturated'; message: string; retryAfterSec: number }
  /** this client already has maxPerClient checks queued or running */
  | { ok: false; code: 'client_busy'; message: string; retryAfterSec: number };

export interface CheckView {
  id: string;
  status: CheckStatus;
  target: CheckInput;
  createdAt: number;
  finishedAt: number | null;
  result: CheckResult | null;
  /** why an interrupted check stopped */
  reason: string | null;
}

/** A stored check as the pages and API see it, with its status as the runner knows it. */
export function checkView(r: CheckRecord, status: CheckView['status']): CheckView {
  return {
    id: r.id,
    status,
    target: r.target,
    createdAt: r.createdAt,
    finishedAt: r.finishedAt,
    result: r.result,
    reason: r.status === 'interrupted' ? (r.error ?? 'unknown') : null,
  };
}

export interface Runner {
  /** settles once checks left 'running' by a previous process are marked interrupted */
  readonly ready: Promise<void>;
  /**
   * `unlisted`: a check of its own, never deduped with others nor found by domain. relayTest: run
   * the open relay test in host mode (domain checks always run it).
   */
  start(
    input: string,
    mode: CheckMode,
    clientKey: string,
    opts?: { visibility?: CheckVisibility; vantages?: string[] } & PrepareOptions,
  ): Promise<StartOutcome>;
  getCheck(id: string): Promise<CheckView | null>;
  /**
   * Delivers the check's stored events with seq > afterSeq, then its live ones, each exactly once
   * and in order, then end() when it finishes (at once if it already has). Returns unsubscribe.
   */
  subscribe(id: string, afterSeq: number, subscriber: Subscriber): () => void;
  stats(): { running: number; queued: number; viewers: number };
  /** false once shutdown() has begun: readiness reports it before anything else stops */
  accepting(): boolean;
  /** Stop accepting, let running checks finish within the grace period, interrupt the rest. */
  shutdown(graceMs?: number): Promise<void>;
}

/** The runner inside a scaled-mode worker: it also runs checks another process created. */
export interface AdoptingRunner extends Runner {
  /**
   * Runs a check the web tier already stored (status 'running', no events yet) and resolves once
   * it has ended, however it ended.
   */
  adopt(check: { id: string; target: CheckInput; clientKey: string; carrier?: TraceCarrier }): Promise<HubCheckEnd>;
}

interface Entry {
  id: string;
  key: string;
  target: CheckInput;
  clientKey: string;
  controller: AbortController;
  startedAt?: number;
  /** when it was stored (checks this runner created; not adopted ones) */
  createdAt?: number;
  interruptedBy?: string;
  done?: Promise<void>;
  /** holds one of its client's maxPerClient places until released */
  counted?: boolean;
  /** trace context captured where the check was requested (see CheckObserver) */
  carrier?: TraceCarrier;
}

function sleep(ms: number): { promise: Promise<void>; cancel: () => void } {
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
    timer.unref();
  });
  return { promise, cancel: () => clearTimeout(timer) };
}

async function within(ms: number, work: Promise<unknown>): Promise<void> {
  const timer = sleep(ms);
  await Promise.race([work, timer.promise]);
  timer.cancel();
}

export function createRunner(options: RunnerOptions): AdoptingRunner {
  const { engine, store, logger, maxConcurrent, queueSize, dedupeWindowMs } = options;
  const clock = options.clock ?? systemClock;
  const observer = combineObservers(options.observers ?? [], logger);
  const hub = options.hub ?? createEventHub((err) => logger.warn({ err }, 'check viewer failed'));
  const executor =
    options.executor ?? createInlineExecutor({ engine, store, clock, ...(options.maxStoredBytes !== undefined ? { maxStoredBytes: options.maxStoredBytes } : {}) });
  const writes = executor.writes ?? store;
  // Viewers of this process's hub replay running checks from memory; with another hub (a scaled
  // worker's Redis fan-out) the viewers are elsewhere and read the store.
  const liveLog = options.hub ? undefined : createLiveLog();
  const active = new Map<string, Entry>();
  const queue: Entry[] = [];
  /** queued or running, by domain+mode: the dedupe that must not wait on the store */
  const live = new Map<string, Entry>();
  /** starts in flight, so two simultaneous requests for one domain make one check */
  const pending = new Map<string, Promise<StartOutcome>>();
  let reserved = 0;
  /** queued or running checks (and starts in flight) per client key */
  const perClient = new Map<string, number>();
  let closing = false;
  let shuttingDown: Promise<void> | undefined;

  const ready =
    options.markStaleOnStart === false
      ? Promise.resolve()
      : store.markRunningInterrupted('restart').then((n) => {
          if (n > 0) logger.warn({ count: n }, 'checks left running by a previous process marked interrupted');
        });
  ready.catch((err: unknown) => logger.error({ err }, 'could not mark stale checks interrupted'));

  const saturated = (message: string): StartOutcome => ({
    ok: false,
    code: 'saturated',
    message,
    retryAfterSec: options.saturatedRetryAfterSec ?? 10,
  });
  const statusOf = (id: string): CheckStatus => (active.has(id) ? 'running' : 'queued');
  const viewStatus = (r: CheckRecord): CheckStatus => (r.status === 'running' ? statusOf(r.id) : r.status);

  /**
   * The status now of a check this process started or found: from memory while it is queued or
   * running, otherwise from the store (it may have finished since it was found).
   */
  async function currentStatus(id: string, fallback: CheckStatus): Promise<CheckStatus> {
    if (active.has(id)) return 'running';
    if (queue.some((e) => e.id === id)) return 'queued';
    const r = await store.getCheck(id);
    return r ? viewStatus(r) : fallback;
  }

  function logEnd(e: Entry, fields: Record<string, unknown>, result?: CheckResult): void {
    const durationMs = e.startedAt === undefined ? 0 : Math.round(clock.monotonic() - e.startedAt);
    logger.info(
      { checkId: e.id, domain: e.target.domain, mode: e.target.mode, client: e.clientKey, durationMs, ...fields },
      'check finished',
    );
    const done = fields.outcome === 'done';
    observer.ended(e.id, e.target, {
      status: done ? 'done' : 'interrupted',
      ...(done ? {} : { reason: typeof fields.reason === 'string' ? fields.reason : 'unknown' }),
      ...(done && result ? { result } : {}),
      ran: e.startedAt !== undefined,
      durationMs,
    });
  }

  /** Frees the check's slot and its dedupe entry as soon as its final state is stored. */
  function release(e: Entry): void {
    if (e.counted) {
      e.counted = false;
      const n = (perClient.get(e.clientKey) ?? 1) - 1;
      if (n <= 0) perClient.delete(e.clientKey);
      else perClient.set(e.clientKey, n);
    }
    active.delete(e.id);
    liveLog?.drop(e.id);
    if (live.get(e.key) === e) live.delete(e.key);
    pump();
  }

  async function interrupt(e: Entry, reason: string): Promise<void> {
    e.interruptedBy = reason;
    // Its log is about to close in the store: viewers from now on read that.
    liveLog?.drop(e.id);
    executor.stop?.(e.id);
    try {
      await writes.markInterrupted(e.id, reason, clock.now());
    } finally {
      release(e);
      hub.end(e.id, { status: 'interrupted', reason });
    }
  }

  async function execute(e: Entry): Promise<void> {
    let fields: Record<string, unknown> = {};
    let result: CheckResult | undefined;
    const ended = await executor.run({ id: e.id, target: e.target }, e.controller.signal, () => e.interruptedBy !== undefined, {
      observed: (event) => observer.event(e.id, event),
      stored: (seq, event, json) => {
        // Remembered before it is published (live-log.ts); not after the check was interrupted.
        if (e.interruptedBy === undefined) liveLog?.append(e.id, seq, json ?? eventJson(event));
        hub.publish(e.id, seq, event);
      },
      finished: (seq, event, end) => {
        result = end.result;
        release(e);
        hub.publish(e.id, seq, event);
        hub.end(e.id, { status: 'done' });
        fields = { outcome: 'done', verdict: end.verdict, incomplete: end.incomplete, storedBytes: end.storedBytes };
      },
    });
    try {
      if (ended.outcome === 'stopped' || (ended.outcome === 'failed' && e.interruptedBy)) {
        fields = { outcome: 'interrupted', reason: e.interruptedBy };
      } else if (ended.outcome === 'failed') {
        fields = { outcome: 'interrupted', reason: ended.reason, err: ended.err };
        await interrupt(e, ended.reason).catch((err2: unknown) =>
          logger.error({ checkId: e.id, err: err2 }, 'could not mark check interrupted'),
        );
      }
    } finally {
      logEnd(e, fields, result);
    }
  }

  function launch(e: Entry): void {
    active.set(e.id, e);
    e.startedAt = clock.monotonic();
    observer.started(e.id, e.target, e.carrier);
    e.done = execute(e)
      .catch((err: unknown) => logger.error({ checkId: e.id, err }, 'check runner failed'))
      .finally(() => release(e));
  }

  function pump(): void {
    while (!closing && active.size < maxConcurrent) {
      const next = queue.shift();
      if (!next) return;
      launch(next);
    }
  }

  async function startNew(target: CheckInput, key: string, clientKey: string, visibility: CheckVisibility = 'public'): Promise<StartOutcome> {
    if (visibility === 'public') {
      const found = await store.findRecent(target.domain, target.mode, clock.now() - dedupeWindowMs);
      // A host check without the relay test does not answer for one that asked for it, nor back.
      const recent = found && Boolean(found.target.relayTest) === Boolean(target.relayTest) ? found : null;
      if (recent) return { ok: true, id: recent.id, status: viewStatus(recent), deduped: true };
    }
    if (closing) return saturated('the server is shutting down');
    if (active.size + queue.length + reserved >= maxConcurrent + queueSize) {
      return saturated('too many checks are running; try again shortly');
    }
    if (options.maxPerClient !== undefined && (perClient.get(clientKey) ?? 0) >= options.maxPerClient) {
      return {
        ok: false,
        code: 'client_busy',
        message: `you already have ${options.maxPerClient} checks running; wait for one to finish`,
        retryAfterSec: options.saturatedRetryAfterSec ?? 10,
      };
    }
    reserved++;
    const e: Entry = { id: newCheckId(), key, target, clientKey, controller: new AbortController(), counted: true };
    perClient.set(clientKey, (perClient.get(clientKey) ?? 0) + 1);
    e.createdAt = clock.now();
    try {
      const created = await writes.createCheck({ id: e.id, target, createdAt: e.createdAt, visibility });
      // Stored with its first event (a threaded executor): the check's log starts with it.
      if (created?.first) liveLog?.append(e.id, created.first.seq, created.first.json);
    } catch (err) {
      release(e);
      throw err;
    } finally {
      reserved--;
    }
    if (closing) {
      await interrupt(e, 'shutdown');
      return saturated('the server is shutting down');
    }
    if (visibility === 'public') live.set(key, e);
    // Still inside the request's async context: the observer captures it for the check's spans.
    e.carrier = observer.accepted(e.id, target);
    if (active.size < maxConcurrent) launch(e);
    else queue.push(e);
    return { ok: true, id: e.id, status: statusOf(e.id), deduped: false };
  }

  return {
    ready,

    async start(input, mode, clientKey, opts = {}) {
      if (closing) return saturated('the server is shutting down');
      const own = options.vantage ?? 'default';
      const other = opts.vantages?.find((v) => v !== own);
      if (other !== undefined) {
        return { ok: false, code: 'invalid_input', reason: 'unknown-vantage', message: `no probe worker runs from vantage ${JSON.stringify(other)} (only ${own})` };
      }
      await ready;
      const prepared = engine.prepare(input, mode, opts.relayTest ? { relayTest: true } : {});
      if (!prepared.ok) return { ok: false, code: 'invalid_input', reason: prepared.code, message: prepared.message };
      const { target } = prepared;
      const key = `${target.mode}\u0000${target.domain}${target.relayTest ? '\u0000relay' : ''}`;
      // Unlisted: its own check, never joined to (nor revealed by) a public one for the domain.
      if (opts.visibility === 'unlisted') return startNew(target, `${key}\u0000unlisted`, clientKey, 'unlisted');
      // From here to pending.set nothing awaits, so concurrent starts see each other.
      const running = live.get(key);
      if (running) return { ok: true, id: running.id, status: statusOf(running.id), deduped: true };
      const inFlight = pending.get(key);
      if (inFlight) {
        const first = await inFlight;
        return first.ok ? { ...first, status: await currentStatus(first.id, first.status), deduped: true } : first;
      }
      const started = startNew(target, key, clientKey);
      pending.set(key, started);
      try {
        return await started;
      } finally {
        pending.delete(key);
      }
    },

    async getCheck(id) {
      // A check this runner created and is running or queueing is known here as stored (nothing in
      // its row changes until it ends): no store read. Every SSE viewer asks on connecting, so
      // under load this is most of the web thread's reads.
      const e = active.get(id) ?? queue.find((q) => q.id === id);
      if (e && e.createdAt !== undefined && e.interruptedBy === undefined) {
        return { id, status: statusOf(id), target: e.target, createdAt: e.createdAt, finishedAt: null, result: null, reason: null };
      }
      const r = await store.getCheck(id);
      if (!r) return null;
      return checkView(r, viewStatus(r));
    },

    subscribe(id, afterSeq, subscriber) {
      return replayThenTail({ hub, store, logger, ...(liveLog ? { remembered: liveLog.after } : {}) }, id, afterSeq, subscriber);
    },

    async adopt(check) {
      const e: Entry = {
        id: check.id,
        key: `adopted\u0000${check.id}`,
        target: check.target,
        clientKey: check.clientKey,
        controller: new AbortController(),
        ...(check.carrier ? { carrier: check.carrier } : {}),
      };
      if (closing) {
        await interrupt(e, 'shutdown');
        logEnd(e, { outcome: 'interrupted', reason: 'shutdown' });
        return { status: 'interrupted', reason: 'shutdown' };
      }
      // The worker's queue bounds how many run at once: adopted checks start at once.
      launch(e);
      await e.done;
      const r = await store.getCheck(e.id);
      return r?.status === 'done' ? { status: 'done' } : { status: 'interrupted', reason: r?.error ?? e.interruptedBy ?? 'unknown' };
    },

    stats() {
      return { running: active.size, queued: queue.length, viewers: hub.listenerCount() };
    },

    accepting() {
      return !closing;
    },

    shutdown(graceMs = options.shutdownGraceMs ?? 5_000) {
      shuttingDown ??= (async () => {
        closing = true;
        for (const e of queue.splice(0)) {
          live.delete(e.key);
          await interrupt(e, 'shutdown').catch((err: unknown) => logger.error({ checkId: e.id, err }, 'interrupt failed'));
          logEnd(e, { outcome: 'interrupted', reason: 'shutdown' });
        }
        await within(graceMs, Promise.allSettled([...active.values()].map((e) => e.done)));
        const left = [...active.values()];
        for (const e of left) {
          await interrupt(e, 'shutdown').catch((err: unknown) => logger.error({ checkId: e.id, err }, 'interrupt failed'));
          e.controller.abort();
        }
        // Let the aborted engines unwind so nothing writes to a store that is about to close.
        await within(2_000, Promise.allSettled(left.map((e) => e.done)));
        await executor.close?.().catch((err: unknown) => logger.error({ err }, 'closing the check executor failed'));
      })();
      return shuttingDown;
    },
  };
}
