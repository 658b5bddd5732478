/**
 * The BullMQ monitor scheduler of scaled mode on a real Redis and a real PostgreSQL (a database and
 * a key prefix of this run's own): the scheduler contract the in-process scheduler passes
 * (tests/fixtures/monitor-scheduler-contract.ts), then what only scaled mode has:
 * Redis losing its data (reconcile rebuilds it from the store). Web instances dying while the
 * run's check goes on at a probe worker, and the signed webhook over HTTPS to a loopback receiver,
 * are in tests/e2e/scaled-monitors.test.ts with every process real.
 */
import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRunner, type Runner } from '@/lib/checks/runner';
import type { MonitorJobDeps } from '@/lib/monitors/monitor-jobs';
import { MonitorConditionsSchema } from '@/lib/monitors/schemas';
import type { CheckEngine } from '@/lib/probe/engine';
import { silentLogger, systemClock } from '@/lib/probe/types';
import { createBullmqMonitorScheduler, MONITOR_RUNS_QUEUE } from '@/lib/scale/bullmq-monitor-scheduler';
import { openPostgresStore } from '@/lib/store/postgres-store';
import { scriptedEngine } from '@/tests/fixtures/monitor-engine';
import { captureLogger, CONTRACT_TIMING, describeMonitorSchedulerContract, until, type SchedulerProcess } from '@/tests/fixtures/monitor-scheduler-contract';
import { deleteRedisKeys, freshDatabase, testServices, type FreshDatabase } from '@/tests/fixtures/test-services';

let db: FreshDatabase;
const RUN = `mxray-it-mon-${randomBytes(4).toString('hex')}`;
let prefix = RUN;
let n = 0;
const admin = new Redis(testServices().redisUrl, { maxRetriesPerRequest: null, lazyConnect: true });

beforeAll(async () => {
  db = await freshDatabase();
  await admin.connect();
});

afterAll(async () => {
  await deleteRedisKeys(admin, RUN);
  admin.disconnect();
  await db?.drop();
});

/** Empties the tables (the schema stays once the first store applied it). */
async function truncate(): Promise<void> {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 'monitors'`);
    if (rows[0]?.n) await client.query('TRUNCATE checks, check_events, monitors, monitor_deliveries, monitor_delivery_attempts');
  } finally {
    await client.end();
  }
}

const redisFor = (name: string) => new Redis(testServices().redisUrl, { maxRetriesPerRequest: null, connectionName: name });

/** One web instance: its own store pool, runner (or a shared one: the probe workers) and BullMQ scheduler. */
async function openProcess(opts: { engine: CheckEngine; deps: (store: Awaited<ReturnType<typeof openPostgresStore>>, runner: Runner) => MonitorJobDeps; runner?: Runner }): Promise<SchedulerProcess> {
  const store = await openPostgresStore({ connectionString: db.url, poolSize: 4 });
  const own = !opts.runner;
  const runner = opts.runner ?? createRunner({ engine: opts.engine, store, logger: silentLogger, maxConcurrent: 4, queueSize: 8, dedupeWindowMs: 0 });
  const scheduler = createBullmqMonitorScheduler({
    ...opts.deps(store, runner),
    connection: redisFor,
    prefix,
    concurrency: 4,
    deliveryConcurrency: 4,
    reconcileMs: 60_000,
    claimGraceMs: 2_000,
    staleRunMs: 60_000,
    lockMs: 1_000,
    domainLockMs: 10_000,
    fairnessDelayMs: 300,
    ready: runner.ready,
  });
  return {
    store,
    runner,
    scheduler,
    async crash() {
      await scheduler.stop(0);
      if (own) await runner.shutdown(0);
      await store.close();
    },
    async close() {
      await scheduler.stop(1_000);
      if (own) await runner.shutdown(1_000);
      await store.close();
    },
  };
}

async function schedulerOf(id: string) {
  const connection = redisFor('mxray-test-inspect');
  const q = new Queue(MONITOR_RUNS_QUEUE, { connection, prefix });
  try {
    return await q.getJobScheduler(id);
  } finally {
    await q.close();
    connection.disconnect();
  }
}

describeMonitorSchedulerContract('BullMQ job schedulers (scaled mode, Redis + PostgreSQL)', {
  async reset() {
    prefix = `${RUN}-${++n}`;
    await truncate();
  },
  open: openProcess,
  scheduled: async (id) => Boolean(await schedulerOf(id)),
});

describe('BullMQ monitor scheduler: Redis derives from the store', () => {
  const procs: SchedulerProcess[] = [];
  afterEach(async () => {
    for (const p of procs.splice(0)) await p.close().catch(() => {});
  });

  it('rebuilds the schedules and queued deliveries from the store after Redis lost its data, and drops schedules of monitors the store no longer has', async () => {
    prefix = `${RUN}-reconcile`;
    await truncate();
    const logger = captureLogger();
    const sent: string[] = [];
    const { engine, state } = scriptedEngine();
    const deps = (store: MonitorJobDeps['monitors'], runner: Runner): MonitorJobDeps => ({
      monitors: store,
      runner,
      post: async (o) => (sent.push(o.body), { outcome: 'delivered', httpStatus: 204, error: null, durationMs: 1 }),
      clock: systemClock,
      logger,
      random: () => 0.5,
      ...CONTRACT_TIMING,
    });
    const monitor = (id: string, nextRunAt: number) => ({
      id,
      domain: `${id}.test`,
      intervalSec: 3_600,
      // no certificate window: the sample result's certificates would alert on a first run
      conditions: MonitorConditionsSchema.parse({ certExpiresWithinDays: null }),
      targets: [{ type: 'webhook' as const, url: 'https://hook.test/in' }],
      tokenHash: id.padEnd(64, '0'),
      signingSecret: `whsec_${id}`,
      createdBy: 'reconcile',
      origin: 'https://mxray.test',
      createdAt: Date.now(),
      nextRunAt,
    });

    const first = await openProcess({ engine, deps });
    await first.scheduler.start();
    const later = Date.now() + 3_600_000;
    await first.store.createMonitor(monitor('mon_kept', later));
    await first.scheduler.nudge('mon_kept');
    expect((await schedulerOf('mon_kept'))?.template?.data).toEqual({ monitorId: 'mon_kept', nextRunAt: later });
    await first.close();

    // Redis loses everything; meanwhile the store gained a due monitor and a due delivery nobody
    // queued, and Redis (restored from an old snapshot, say) holds a schedule of a deleted monitor.
    await deleteRedisKeys(admin, prefix);
    const ghost = new Queue(MONITOR_RUNS_QUEUE, { connection: redisFor('mxray-test-ghost'), prefix });
    await ghost.upsertJobScheduler('mon_ghost', { every: 3_600_000, startDate: later }, { name: 'run', data: { monitorId: 'mon_ghost' } });
    await ghost.close();
    const store = await openPostgresStore({ connectionString: db.url, poolSize: 1 });
    await store.createMonitor(monitor('mon_due', Date.now() - 60_000));
    await store.completeRun('mon_kept', 'chk_before', [
      { id: 'dlv_orphan', monitorId: 'mon_kept', url: 'https://hook.test/in', payload: '{"orphan":true}', checkId: 'chk_before', createdAt: Date.now() },
    ]);
    await store.close();

    const second = await openProcess({ engine, deps });
    procs.push(second);
    await second.scheduler.start();
    expect((await schedulerOf('mon_kept'))?.template?.data).toEqual({ monitorId: 'mon_kept', nextRunAt: later });
    expect(await schedulerOf('mon_ghost')).toBeUndefined();
    await until('the due monitor to run', async () => (await second.store.getMonitor('mon_due'))?.lastCheckId);
    expect(state.runs).toBe(1);
    await until('the orphan delivery', async () => (await second.store.getDelivery('dlv_orphan'))?.status === 'delivered');
    expect(sent).toEqual(['{"orphan":true}']);
    expect(logger.errors).toEqual([]);
  });
});
