/**
 * The web tier's runner in scaled mode: it validates, stores the new check and enqueues it on
 * BullMQ for a worker of the asked vantage; viewers attach with the same replay-then-tail as in
 * embedded mode, fed by the Redis fan-out. Nothing here runs a probe.
 */
import type { Queue } from 'bullmq';
import type { CheckEngine } from '@/lib/probe/engine';
import type { CheckInput } from '@/lib/probe/schema';
import { systemClock, type Clock, type ProbeLogger } from '@/lib/probe/types';
import type { CheckRecord, CheckStore } from '@/lib/store/check-store';
import { newCheckId } from '@/lib/store/check-id';
import { combineObservers, type CheckObserver } from '@/lib/checks/check-observer';
import type { CheckStatus } from '@/lib/checks/check-status';
import { replayThenTail } from '@/lib/checks/replay-then-tail';
import { checkView, type Runner, type StartOutcome } from '@/lib/checks/runner';
import type { EventHub } from '@/lib/checks/event-hub';
import { OPEN_JOB_STATES, type CheckJob, type ClientSlots, type VantageRegistry } from './check-queue';
import type { DedupeClaims } from './dedupe-claim';

export interface ScaledRunnerOptions {
  /** only prepare() is used: input validation and normalisation */
  engine: Pick<CheckEngine, 'prepare'>;
  store: CheckStore;
  hub: EventHub;
  logger: ProbeLogger;
  /** the queue of each vantage (created on first use) */
  queueFor(vantage: string): Queue;
  slots: ClientSlots;
  vantages: VantageRegistry;
  /** VANTAGES: accepted even while no worker of theirs is up (their checks wait in the queue) */
  configuredVantages: string[];
  defaultVantage: string;
  /**
   * checks waiting in one vantage's queue beyond what its live workers run at once: a new check
   * that would make the queued-or-running ones exceed capacity + queueSize is refused 'saturated'
   */
  queueSize: number;
  dedupeWindowMs: number;
  /** makes dedupe atomic across web instances (absent: the store lookup alone, one instance) */
  dedupe?: DedupeClaims;
  saturatedRetryAfterSec?: number;
  maxPerClient: number;
  observers?: CheckObserver[];
  clock?: Clock;
}

export function createScaledRunner(options: ScaledRunnerOptions): Runner {
  const { engine, store, hub, logger, slots } = options;
  const clock = options.clock ?? systemClock;
  const observer = combineObservers(options.observers ?? [], logger);
  const pending = new Map<string, Promise<StartOutcome>>();
  let closing = false;
  const retryAfterSec = options.saturatedRetryAfterSec ?? 10;
  const saturated = (message: string): StartOutcome => ({ ok: false, code: 'saturated', message, retryAfterSec });

  async function statusOf(r: CheckRecord): Promise<CheckStatus> {
    if (r.status !== 'running') return r.status;
    try {
      const state = await options.queueFor(r.target.vantage ?? options.defaultVantage).getJobState(r.id);
      return state === 'waiting' || state === 'delayed' || state === 'prioritized' ? 'queued' : 'running';
    } catch {
      return 'running';
    }
  }

  async function knownVantages(): Promise<Set<string>> {
    return new Set([...options.configuredVantages, options.defaultVantage, ...(await options.vantages.live())]);
  }

  async function enqueue(
    targets: { target: CheckInput; id: string; vantage: string }[],
    clientKey: string,
    visibility: 'public' | 'unlisted',
  ): Promise<StartOutcome> {
    const perVantage = new Map<string, number>();
    for (const t of targets) perVantage.set(t.vantage, (perVantage.get(t.vantage) ?? 0) + 1);
    for (const [vantage, adding] of perVantage) {
      // Running checks hold their place too: a queue counted by its waiting jobs alone lets
      // workers with a high concurrency hide any backlog.
      const open = await options.queueFor(vantage).getJobCountByTypes(...OPEN_JOB_STATES);
      const room = (await options.vantages.capacity(vantage)) + options.queueSize;
      if (open + adding > room) return saturated('too many checks are waiting; try again shortly');
    }
    const taken: string[] = [];
    for (const t of targets) {
      if (!(await slots.acquire(clientKey, t.id))) {
        for (const id of taken) await slots.release(clientKey, id);
        return {
          ok: false,
          code: 'client_busy',
          message: `you already have ${options.maxPerClient} checks running; wait for one to finish`,
          retryAfterSec,
        };
      }
      taken.push(t.id);
    }
    try {
      for (const t of targets) {
        await store.createCheck({ id: t.id, target: t.target, createdAt: clock.now(), visibility });
        // Still inside the request's async context: the carrier links the worker's spans to it.
        const carrier = observer.accepted(t.id, t.target);
        const job: CheckJob = { checkId: t.id, target: t.target, clientKey, ...(carrier ? { carrier } : {}) };
        // jobId = check id: enqueueing twice is a no-op, and the job is found by the check's id.
        await options.queueFor(t.vantage).add('check', job, { jobId: t.id, removeOnComplete: 1_000, removeOnFail: 1_000 });
      }
    } catch (err) {
      for (const t of targets) {
        await slots.release(clientKey, t.id).catch(() => {});
        await store.markInterrupted(t.id, 'enqueue-failed', clock.now()).catch(() => false);
      }
      throw err;
    }
    const first = targets[0]!;
    return {
      ok: true,
      id: first.id,
      status: 'queued',
      deduped: false,
      ...(targets.length > 1 ? { group: targets.map((t) => ({ vantage: t.vantage, id: t.id })) } : {}),
    };
  }

  /**
   * Another instance may be creating the same check right now: whoever sets the claim creates it,
   * the others wait (briefly) for its record and answer with its id. A claimer whose check was
   * refused gives the claim back, and a waiter then tries for it itself.
   */
  async function claimThenEnqueue(
    dedupe: DedupeClaims,
    key: string,
    single: { target: CheckInput; id: string; vantage: string },
    clientKey: string,
    visibility: 'public' | 'unlisted',
  ): Promise<StartOutcome> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const holder = await dedupe.claim(key, single.id, options.dedupeWindowMs);
      if (holder === null) {
        let outcome: StartOutcome;
        try {
          outcome = await enqueue([single], clientKey, visibility);
        } catch (err) {
          await dedupe.release(key, single.id).catch(() => {});
          throw err;
        }
        if (!outcome.ok) await dedupe.release(key, single.id);
        return outcome;
      }
      for (let waited = 0; waited < 40; waited++) {
        const r = await store.getCheck(holder);
        if (r) return { ok: true, id: r.id, status: await statusOf(r), deduped: true };
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    return enqueue([single], clientKey, visibility);
  }

  return {
    ready: Promise.resolve(),

    async start(input, mode, clientKey, opts = {}) {
      if (closing) return saturated('the server is shutting down');
      const prepared = engine.prepare(input, mode, opts.relayTest ? { relayTest: true } : {});
      if (!prepared.ok) return { ok: false, code: 'invalid_input', reason: prepared.code, message: prepared.message };
      const asked = opts.vantages ?? [options.defaultVantage];
      const known = await knownVantages();
      const unknown = asked.find((v) => !known.has(v));
      if (unknown !== undefined) {
        return {
          ok: false,
          code: 'invalid_input',
          reason: 'unknown-vantage',
          message: `no probe worker runs from vantage ${JSON.stringify(unknown)} (known: ${[...known].join(', ')})`,
        };
      }
      const visibility = opts.visibility ?? 'public';
      const base = prepared.target;
      if (asked.length > 1) {
        const ids = asked.map((vantage) => ({ vantage, id: newCheckId() }));
        const targets = ids.map(({ vantage, id }) => ({ id, vantage, target: { ...base, vantage, vantageGroup: ids } }));
        return enqueue(targets, clientKey, visibility);
      }
      const vantage = asked[0]!;
      // The default vantage keeps the target as embedded mode writes it: one shape for one vantage.
      const target: CheckInput = vantage === options.defaultVantage ? base : { ...base, vantage };
      const single = [{ id: newCheckId(), vantage, target }];
      if (visibility === 'unlisted') return enqueue(single, clientKey, visibility);
      const key = `${target.mode}\u0000${target.domain}\u0000${vantage}${target.relayTest ? '\u0000relay' : ''}`;
      const inFlight = pending.get(key);
      if (inFlight) {
        const first = await inFlight;
        return first.ok ? { ...first, deduped: true } : first;
      }
      const started = (async (): Promise<StartOutcome> => {
        // Dedupe through the store: the record every instance shares.
        const found = await store.findRecent(target.domain, target.mode, clock.now() - options.dedupeWindowMs);
        if (
          found &&
          Boolean(found.target.relayTest) === Boolean(target.relayTest) &&
          (found.target.vantage ?? options.defaultVantage) === vantage &&
          !found.target.vantageGroup
        ) {
          return { ok: true, id: found.id, status: await statusOf(found), deduped: true };
        }
        const dedupe = options.dedupeWindowMs > 0 ? options.dedupe : undefined;
        if (!dedupe) return enqueue(single, clientKey, visibility);
        return claimThenEnqueue(dedupe, key, single[0]!, clientKey, visibility);
      })();
      pending.set(key, started);
      try {
        return await started;
      } finally {
        pending.delete(key);
      }
    },

    async getCheck(id) {
      const r = await store.getCheck(id);
      if (!r) return null;
      return checkView(r, await statusOf(r));
    },

    subscribe(id, afterSeq, subscriber) {
      return replayThenTail({ hub, store, logger }, id, afterSeq, subscriber);
    },

    stats() {
      // The web tier runs nothing; the workers report their own running checks.
      return { running: 0, queued: 0, viewers: hub.listenerCount() };
    },

    accepting() {
      return !closing;
    },

    async shutdown() {
      closing = true;
    },
  };
}
