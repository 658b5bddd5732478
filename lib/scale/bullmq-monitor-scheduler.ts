/**
 * The monitor scheduler of scaled mode: BullMQ job schedulers on Redis, one per monitor, instead of
 * every web instance polling the database. The store stays the record (next_run_at, pending runs,
 * deliveries and their next attempts); what sits in Redis is derived from it and can be rebuilt
 * from it at any time:
 *
 * - a job scheduler per active monitor (`every` its interval, `startDate` the store's next_run_at,
 *   jitter included), re-derived after every change (sync): create, pause (removed), resume and
 *   "run now" (due at once), delete (removed), and after each run (the next run's new jitter).
 *   A start date already past makes one job at once: missed runs after downtime run once, and
 *   BullMQ's own catch-up aligns to the next slot instead of replaying missed ones.
 * - a delayed job per webhook attempt, at the delivery's next_attempt_at (the store's backoff).
 * - reconcile() pages through the store and puts Redis back in line (missing or stale schedulers,
 *   schedulers of deleted monitors, runs left pending whose job is gone, due deliveries without a
 *   job); it runs at start and periodically on one instance at a time.
 *
 * The jobs are the same as embedded mode's (monitor-jobs.ts), so the store's compare-and-set claims
 * still decide: a job that fires for a run the store says is not due, or already taken, does
 * nothing. A process that dies in the middle of a job leaves it locked; after `lockMs` BullMQ hands
 * it to another worker (stalled job), which resumes the run (waits for its check, which probe
 * workers keep running) or the attempt (after its lease): neither the schedule nor a delivery is
 * lost. Per-target fairness: one run per domain at a time across every instance (a Redis lock held
 * by the run's job; another run of that domain is delayed until it is free).
 */
import { randomUUID } from 'node:crypto';
import { DelayedError, Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { MonitorScheduler } from '@/lib/monitors/scheduler';
import { attemptDelivery, resumeRun, runMonitor, type MonitorJobDeps } from '@/lib/monitors/monitor-jobs';
import type { MonitorRecord, NewDelivery } from '@/lib/store/monitor-store';
import { redisConnection } from './redis-connection';

export const MONITOR_RUNS_QUEUE = 'monitor-runs';
export const MONITOR_DELIVERIES_QUEUE = 'monitor-deliveries';

const RunJobSchema = z.object({ monitorId: z.string(), nextRunAt: z.number().optional() });
const DeliveryJobSchema = z.object({ deliveryId: z.string() });

export interface BullmqMonitorSchedulerOptions extends MonitorJobDeps {
  /** a new Redis connection (queues share one; each BullMQ worker blocks on its own) */
  connection: (name: string) => Redis;
  /** REDIS_PREFIX */
  prefix: string;
  /** monitor runs at once on this instance (MONITOR_MAX_CONCURRENT_RUNS) */
  concurrency: number;
  /** webhook attempts at once on this instance */
  deliveryConcurrency: number;
  /** how often one instance reconciles Redis with the store, ms */
  reconcileMs: number;
  /** a claimed run with no check yet is given up after this long (another instance may be starting it) */
  claimGraceMs: number;
  /** runs pending longer than this with no job left are resumed by reconcile() */
  staleRunMs: number;
  /** BullMQ job lock: a job whose process died is handed to another worker after this, ms */
  lockMs: number;
  /** the per-domain lock's expiry: longer than a run may take (the check budget and a margin), ms */
  domainLockMs: number;
  /** a run whose domain is busy with another monitor's run is tried again this much later, ms */
  fairnessDelayMs?: number;
  /** awaited before start (the runner is ready) */
  ready?: Promise<void>;
}

// KEYS[1] lock; ARGV[1] owner, ARGV[2] ms. Taken when free, or already this owner's (a job taken back after its process died).
const TAKE_LOCK = `
local v = redis.call('GET', KEYS[1])
if v == false or v == ARGV[1] then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end
return 0
`;
const RELEASE_LOCK = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

export function createBullmqMonitorScheduler(opts: BullmqMonitorSchedulerOptions): MonitorScheduler & { reconcile(): Promise<void> } {
  const { monitors, logger, clock, prefix } = opts;
  const connections: Redis[] = [];
  const connect = (name: string) => {
    const c = opts.connection(name);
    c.on('error', (err) => logger.warn({ err, connection: name }, 'redis connection error (monitors)'));
    connections.push(c);
    return c;
  };
  const redis = connect('mxray-monitors');
  const runs = new Queue(MONITOR_RUNS_QUEUE, { connection: redis, prefix });
  const deliveries = new Queue(MONITOR_DELIVERIES_QUEUE, { connection: redis, prefix });
  for (const q of [runs, deliveries]) q.on('error', (err) => logger.warn({ err, queue: q.name }, 'monitor queue error'));
  const domainKey = (domain: string) => `${prefix}:monitor-domain:${domain}`;
  const reconcileKey = `${prefix}:monitor-reconcile`;
  const inFlight = new Set<Promise<unknown>>();
  const workers: Worker[] = [];
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const deps: MonitorJobDeps = { ...opts, isStopping: () => stopped, onDeliveriesQueued: (ds) => enqueueDeliveries(ds) };

  const takeLock = (key: string, owner: string, ms: number) => redis.eval(TAKE_LOCK, 1, key, owner, String(ms)) as Promise<number>;
  const releaseLock = (key: string, owner: string) => redis.eval(RELEASE_LOCK, 1, key, owner);

  /**
   * The job scheduler of one monitor, as the store says it should be. Syncs of one monitor take
   * turns across instances (a Redis mutex) and read the store once they hold it: a sync that read
   * before a change cannot undo the sync that follows the change.
   */
  async function sync(id: string): Promise<void> {
    const key = `${prefix}:monitor-sync:${id}`;
    const owner = randomUUID();
    const until = Date.now() + 10_000;
    while ((await takeLock(key, owner, 10_000)) !== 1) {
      if (Date.now() > until) throw new Error(`monitor ${id}: its schedule is being changed elsewhere for too long`);
      await new Promise((r) => setTimeout(r, 25));
    }
    try {
      await syncRecord(id, await monitors.getMonitor(id));
    } finally {
      await releaseLock(key, owner);
    }
  }

  async function syncRecord(id: string, m: MonitorRecord | null): Promise<void> {
    if (!m || m.paused) {
      await runs.removeJobScheduler(id);
      return;
    }
    // A run in progress: its job (or reconcile, if that is lost) ends it, then syncs.
    if (m.pendingSince !== null) return;
    const every = m.intervalSec * 1000;
    const current = await runs.getJobScheduler(id);
    const derivedFrom = RunJobSchema.safeParse(current?.template?.data);
    if (current && current.every === every && derivedFrom.success && derivedFrom.data.nextRunAt === m.nextRunAt) return;
    // An existing scheduler keeps its next slot on upsert: remove it first so the new start date counts.
    if (current) await runs.removeJobScheduler(id);
    await runs.upsertJobScheduler(
      id,
      { every, startDate: m.nextRunAt },
      { name: 'run', data: { monitorId: id, nextRunAt: m.nextRunAt }, opts: { removeOnComplete: true, removeOnFail: true } },
    );
  }

  function deliveryJobId(id: string, at: number): string {
    return `${id}-${at}`;
  }

  // Finished jobs are removed, failed ones too (logged on 'failed'): a job id left behind would make
  // the add of the same attempt by reconcile() a no-op.
  async function enqueueDelivery(id: string, at: number): Promise<void> {
    await deliveries.add(
      'attempt',
      { deliveryId: id },
      { jobId: deliveryJobId(id, at), delay: Math.max(0, at - clock.now()), removeOnComplete: true, removeOnFail: true },
    );
  }

  async function enqueueDeliveries(ds: NewDelivery[]): Promise<void> {
    for (const d of ds) await enqueueDelivery(d.id, d.createdAt);
  }

  async function processRun(job: Job, token?: string): Promise<string> {
    const { monitorId } = RunJobSchema.parse(job.data);
    const m = await monitors.getMonitor(monitorId);
    if (!m) {
      await runs.removeJobScheduler(monitorId);
      return 'deleted';
    }
    // Per-target fairness across instances: one run per domain at a time, held by this job.
    const lock = domainKey(m.domain);
    const owner = `${job.id}`;
    if ((await takeLock(lock, owner, opts.domainLockMs)) !== 1) {
      await job.moveToDelayed(clock.now() + (opts.fairnessDelayMs ?? 5_000), token);
      throw new DelayedError();
    }
    try {
      let current: MonitorRecord | null = m;
      if (current.pendingSince !== null) {
        // A run left pending: this job's own, taken back from a process that died, or one whose job was lost.
        await resumeRun(deps, current, { wait: true, claimGraceMs: opts.claimGraceMs });
        current = await monitors.getMonitor(monitorId);
      }
      if (current && !current.paused && current.pendingSince === null && !stopped) {
        // Early by more than a second: the store's schedule moved (sync below puts the job right).
        if (current.nextRunAt > clock.now() + 1_000) return 'not-due';
        await runMonitor(deps, current);
      }
      if (stopped && (await monitors.getMonitor(monitorId))?.pendingSince != null) {
        // This process is stopping with the run unfinished (its check goes on at a probe worker):
        // the job goes back to the queue for another instance to resume, not to 'completed'.
        await job.moveToDelayed(clock.now() + 1_000, token);
        throw new DelayedError();
      }
      return current ? 'run' : 'not-run';
    } finally {
      await releaseLock(lock, owner).catch((err: unknown) => logger.warn({ err, monitorId }, 'could not release the domain lock'));
      if (!stopped) await sync(monitorId);
    }
  }

  async function processDelivery(job: Job): Promise<string> {
    const { deliveryId } = DeliveryJobSchema.parse(job.data);
    const d = await monitors.getDelivery(deliveryId);
    if (!d || d.status !== 'pending' || d.nextAttemptAt === null) return 'gone';
    // Not due yet: an attempt's lease (its process died) or a retry moved in the store.
    if (d.nextAttemptAt > clock.now()) {
      if (deliveryJobId(d.id, d.nextAttemptAt) !== job.id) await enqueueDelivery(d.id, d.nextAttemptAt);
      return 'later';
    }
    await attemptDelivery(deps, d);
    const after = await monitors.getDelivery(deliveryId);
    if (after?.status === 'pending' && after.nextAttemptAt !== null) await enqueueDelivery(after.id, after.nextAttemptAt);
    return after?.status ?? 'gone';
  }

  function tracked<T>(work: () => Promise<T>): () => Promise<T> {
    return () => {
      const p = work();
      inFlight.add(p);
      void p.then(
        () => inFlight.delete(p),
        () => inFlight.delete(p),
      );
      return p;
    };
  }

  function worker(name: string, processor: (job: Job, token?: string) => Promise<string>, concurrency: number): Worker {
    const w = new Worker(
      name,
      async (job, token) => {
        const outcome = await tracked(() => processor(job, token))();
        logger.debug({ queue: name, jobId: job.id, outcome }, 'monitor job done');
        return outcome;
      },
      {
      connection: connect(`mxray-${name}`),
      prefix,
      concurrency,
      lockDuration: opts.lockMs,
      stalledInterval: Math.max(500, Math.floor(opts.lockMs / 2)),
      // A job taken back from dead processes several times is failed; reconcile() puts its work back.
      maxStalledCount: 3,
      autorun: false,
      },
    );
    w.on('error', (err) => logger.error({ err, queue: name }, 'monitor worker error'));
    w.on('failed', (job, err) => logger.warn({ err, queue: name, jobId: job?.id }, 'monitor job failed'));
    return w;
  }

  async function reconcile(): Promise<void> {
    const seen = new Set<string>();
    let after = '';
    for (;;) {
      const page = await monitors.listMonitors(after, 200);
      if (page.length === 0) break;
      for (const m of page) {
        seen.add(m.id);
        await sync(m.id);
      }
      after = page[page.length - 1]!.id;
    }
    for (const s of await runs.getJobSchedulers(0, -1)) {
      if (!seen.has(s.key)) await runs.removeJobScheduler(s.key);
    }
    const now = clock.now();
    // Runs pending for long with no job to end them (Redis lost its data): a job resumes each.
    for (const m of await monitors.listStaleRuns(now - opts.staleRunMs)) {
      await runs.add('run', { monitorId: m.id }, { jobId: `resume-${m.id}-${m.pendingSince}`, removeOnComplete: true, removeOnFail: true });
    }
    // Due attempts whose job is gone: added again (the job id makes it a no-op when it is there).
    for (const d of await monitors.listDueDeliveries(now, 1_000)) await enqueueDelivery(d.id, d.nextAttemptAt!);
  }

  const reconcileLogged = () =>
    reconcile().catch((err: unknown) => {
      logger.error({ err }, 'monitor schedule reconcile failed');
    });

  function loop(): void {
    timer = setTimeout(() => {
      if (stopped) return;
      // One instance at a time; the lock lapses before the next period.
      void takeLock(reconcileKey, randomUUID(), Math.floor(opts.reconcileMs / 2))
        .then((got) => (got === 1 && !stopped ? reconcileLogged() : undefined))
        .catch((err: unknown) => logger.warn({ err }, 'monitor reconcile lock failed'))
        .finally(loop);
    }, opts.reconcileMs);
    timer.unref();
  }

  async function idle(): Promise<void> {
    while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
  }

  return {
    async start() {
      await opts.ready;
      await reconcileLogged();
      workers.push(worker(MONITOR_RUNS_QUEUE, processRun, opts.concurrency));
      workers.push(worker(MONITOR_DELIVERIES_QUEUE, (job) => processDelivery(job), opts.deliveryConcurrency));
      for (const w of workers) void w.run();
      loop();
      logger.info({ prefix, concurrency: opts.concurrency }, 'monitor scheduler: BullMQ job schedulers');
    },
    async nudge(monitorId) {
      if (stopped) return;
      if (monitorId) await sync(monitorId);
      else await reconcileLogged();
    },
    async stop(graceMs = 5_000) {
      stopped = true;
      clearTimeout(timer);
      // No new jobs; those running get the grace. A run still waiting for its check then goes back to
      // the queue (processRun); a job cut short keeps its lock until it lapses, and another worker takes it.
      await Promise.allSettled(workers.map((w) => w.pause(true)));
      let t: NodeJS.Timeout | undefined;
      await Promise.race([idle(), new Promise((r) => (t = setTimeout(r, graceMs)))]);
      clearTimeout(t);
      // close(true): BullMQ's close() would wait for the jobs still running, however long.
      await Promise.allSettled(workers.map((w) => w.close(true)));
      await Promise.allSettled([runs.close(), deliveries.close()]);
      for (const c of connections) c.disconnect();
    },
    tick: () => reconcileLogged(),
    idle: idle,
    reconcile,
  };
}

/**
 * The scheduler as the web tier builds it in scaled mode (REDIS_URL and DATABASE_URL). Monitor jobs
 * run in the web instances: a run is a check the scaled runner queues for the probe workers and
 * follows through the event hub, so the job itself only waits; webhooks leave from the web tier,
 * whose WEBHOOK_ALLOW_CIDRS and DNS path judge them. BullMQ gives each job to one instance.
 */
export function bullmqMonitorSchedulerFor(env: {
  REDIS_URL?: string | undefined;
  REDIS_PREFIX: string;
  MONITOR_MAX_CONCURRENT_RUNS: number;
  MONITOR_POLL_SECONDS: number;
  /** the probe workers' job lock; monitor jobs of a dead web instance are taken over after it too */
  WORKER_LOCK_MS: number;
  limits: { checkBudgetMs: number };
}): (deps: MonitorJobDeps & { ready?: Promise<void> }) => MonitorScheduler {
  const url = env.REDIS_URL!;
  return (deps) =>
    createBullmqMonitorScheduler({
      ...deps,
      connection: (name) => redisConnection(url, name),
      prefix: env.REDIS_PREFIX,
      concurrency: env.MONITOR_MAX_CONCURRENT_RUNS,
      deliveryConcurrency: 8,
      // The jobs carry the schedule; this sweep is the safety net (Redis restarted empty, a lost add).
      reconcileMs: Math.max(60_000, env.MONITOR_POLL_SECONDS * 4_000),
      claimGraceMs: 5 * 60_000,
      staleRunMs: 15 * 60_000,
      lockMs: env.WORKER_LOCK_MS,
      domainLockMs: env.limits.checkBudgetMs * 3,
    });
}
