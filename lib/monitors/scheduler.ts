/**
 * What runs monitors on time. The schedule itself lives in the store (next_run_at, pending runs,
 * delivery retries), so a scheduler holds no state worth losing: the in-process one below serves
 * embedded mode; in scaled mode BullMQ job schedulers implement the same interface
 * (lib/scale/bullmq-monitor-scheduler.ts) by calling the same jobs (monitor-jobs.ts) on the same store.
 */
import type { MonitorStore } from '@/lib/store/monitor-store';
import { attemptDelivery, resumeRun, runMonitor, type MonitorJobDeps } from './monitor-jobs';

export interface MonitorScheduler {
  /** picks up runs a previous process left unfinished, then keeps running due work */
  start(): Promise<void>;
  /**
   * the store changed for this monitor (created, paused, resumed, asked to run now, deleted): the
   * scheduler follows the store; resolves once it has (the in-process one just looks again soon)
   */
  nudge(monitorId?: string): Promise<void>;
  /** stops taking work and waits (bounded) for what is in flight */
  stop(graceMs?: number): Promise<void>;
  /** one pass over due runs and deliveries: starts them, resolves once they are started */
  tick(): Promise<void>;
  /** resolves when every run and delivery in flight has ended (tests, shutdown) */
  idle(): Promise<void>;
}

export interface InProcessSchedulerOptions extends MonitorJobDeps {
  monitors: MonitorStore;
  /** how often due work is looked for, ms */
  pollMs: number;
  /** monitor runs at once (each is a check through the runner, which has its own bounds) */
  maxConcurrentRuns: number;
  /** webhook attempts at once */
  maxConcurrentDeliveries: number;
  /** awaited before recovery: the runner has marked checks left running as interrupted */
  ready?: Promise<void>;
  /** a claimed run with no check yet is given up after this long (0 in embedded mode: one process) */
  claimGraceMs?: number;
  /** runs pending longer than this are looked at again while running (another instance died) */
  staleRunMs?: number;
}

export function createInProcessScheduler(opts: InProcessSchedulerOptions): MonitorScheduler {
  const { monitors, logger, clock } = opts;
  const runs = new Map<string, Promise<void>>();
  /** domains with a run in flight: per-target fairness, one monitor run per domain at a time */
  const domains = new Set<string>();
  const deliveries = new Map<string, Promise<void>>();
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let ticking: Promise<void> | undefined;

  function track(map: Map<string, Promise<void>>, id: string, work: Promise<unknown>, what: string): Promise<void> {
    const p = work
      .then(() => undefined)
      .catch((err: unknown) => logger.error({ err, id }, `${what} failed`))
      .finally(() => map.delete(id));
    map.set(id, p);
    return p;
  }

  /**
   * Runs claimed at or before `olderThan` and never completed: a process stopped in the middle.
   * A check still running (another instance's, on a shared database) is left alone; a finished one
   * completes the run; otherwise the missed run runs once, now. A claim without a check yet is
   * only given up after `claimGraceMs` (on a shared database another instance may be starting it).
   */
  async function recover(olderThan: number): Promise<void> {
    for (const m of await monitors.listStaleRuns(olderThan)) {
      if (runs.has(m.id)) continue;
      await resumeRun(opts, m, { wait: false, claimGraceMs: opts.claimGraceMs ?? 0 });
    }
  }

  let lastRecovery = 0;

  async function pass(): Promise<void> {
    const now = clock.now();
    const staleRunMs = opts.staleRunMs ?? 15 * 60_000;
    if (now - lastRecovery >= staleRunMs) {
      lastRecovery = now;
      await recover(now - staleRunMs);
    }
    const freeRuns = opts.maxConcurrentRuns - runs.size;
    if (freeRuns > 0) {
      for (const m of await monitors.listDueMonitors(now, freeRuns * 4)) {
        if (stopped || runs.size >= opts.maxConcurrentRuns) break;
        if (runs.has(m.id) || domains.has(m.domain)) continue;
        domains.add(m.domain);
        const work = runMonitor({ ...opts, isStopping: () => stopped }, m).finally(() => domains.delete(m.domain));
        void track(runs, m.id, work, 'monitor run');
      }
    }
    const freeDeliveries = opts.maxConcurrentDeliveries - deliveries.size;
    if (freeDeliveries > 0 && !stopped) {
      for (const d of await monitors.listDueDeliveries(now, freeDeliveries)) {
        if (deliveries.has(d.id)) continue;
        void track(deliveries, d.id, attemptDelivery(opts, d), 'webhook delivery');
      }
    }
  }

  const tick = (): Promise<void> => {
    // One pass at a time; a nudge during a pass is served by the pass after it.
    const p = (ticking ?? Promise.resolve()).then(() => (stopped ? undefined : pass()));
    ticking = p.catch((err: unknown) => logger.error({ err }, 'monitor scheduler pass failed'));
    return ticking;
  };

  function loop(): void {
    if (stopped) return;
    void tick();
    timer = setTimeout(loop, opts.pollMs);
    timer.unref();
  }

  return {
    async start() {
      await opts.ready;
      lastRecovery = clock.now();
      await recover(clock.now());
      loop();
    },
    async nudge() {
      if (!stopped) void tick();
    },
    async stop(graceMs = 5_000) {
      stopped = true;
      clearTimeout(timer);
      const all = Promise.allSettled([...runs.values(), ...deliveries.values()]);
      let t: NodeJS.Timeout | undefined;
      await Promise.race([all, new Promise((r) => (t = setTimeout(r, graceMs)))]);
      clearTimeout(t);
    },
    tick,
    async idle() {
      while (runs.size + deliveries.size > 0) await Promise.allSettled([...runs.values(), ...deliveries.values()]);
    },
  };
}
