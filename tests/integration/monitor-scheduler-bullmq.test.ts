/**
 * The BullMQ monitor scheduler of scaled mode on a real Redis and a real PostgreSQL (a database and
 * a key prefix of this run's own): the scheduler contract the in-process scheduler passes
 * (tests/fixtures/monitor-scheduler-contract.ts), then what only scaled mode has: a web instance
 * that dies while its run's check goes on at a probe worker (another instance takes the job over
 * and ends the run with that very check), Redis losing its data (reconcile rebuilds it from the
 * store), and a monitor run through BullMQ delivering a signed webhook over HTTPS to a loopback
 * receiver through the real guarded client (127.132.0.0/16, this file's block).
 */
import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRunner, type Runner } from '@/lib/checks/runner';
import { monitorOperations } from '@/lib/monitors/monitoring';
import type { MonitorJobDeps } from '@/lib/monitors/monitor-jobs';
import { MonitorConditionsSchema, WebhookPayloadSchema } from '@/lib/monitors/schemas';
import { postWebhook, type WebhookClientDeps } from '@/lib/monitors/webhook-client';
import { verifySignature } from '@/lib/monitors/webhook-signature';
import { createAddressPolicy } from '@/lib/probe/address-policy';
import { createResolver } from '@/lib/probe/dns/resolver';
import type { CheckEngine } from '@/lib/probe/engine';
import { createTlsContext } from '@/lib/probe/tls/tls-context';
import { silentLogger, systemClock } from '@/lib/probe/types';
import { createBullmqMonitorScheduler, MONITOR_RUNS_QUEUE } from '@/lib/scale/bullmq-monitor-scheduler';
import { openPostgresStore } from '@/lib/store/postgres-store';
import { startDnsServer, type DnsServerHandle } from '@/tests/fixtures/dns-server';
import { createGate } from '@/tests/fixtures/fake-engine';
import { closePort587, scriptedEngine } from '@/tests/fixtures/monitor-engine';
import { captureLogger, CONTRACT_TIMING, describeMonitorSchedulerContract, until, type SchedulerProcess } from '@/tests/fixtures/monitor-scheduler-contract';
import { createTestPki, type TestPki } from '@/tests/fixtures/pki';
import { SAMPLE_RESULT } from '@/tests/fixtures/sample-result';
import { freshDatabase, testServices, type FreshDatabase } from '@/tests/fixtures/test-services';
import { startWebhookReceiver, type WebhookReceiver } from '@/tests/fixtures/webhook-receiver';

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
  let cursor = '0';
  do {
    const [next, keys] = await admin.scan(cursor, 'MATCH', `${RUN}*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) await admin.del(...keys);
  } while (cursor !== '0');
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
