/**
 * The scaled web tier's runner against real parts: PostgreSQL (a fresh database, dropped after),
 * Redis (db 11, a key prefix of this run's own, deleted after) and BullMQ queues and workers in
 * this process. Two runners on separate connections are two web instances. What it pins down:
 * dedupe is atomic across instances, a vantage's queue is bounded by its queued *and* running
 * checks, and a check no worker of its vantage takes ends within its budget.
 */
import { randomBytes } from 'node:crypto';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventHub, type CheckEnd } from '@/lib/checks/event-hub';
import type { Runner } from '@/lib/checks/runner';
import { silentLogger } from '@/lib/probe/types';
import { createClientSlots, createVantageRegistry, queueName } from '@/lib/scale/check-queue';
import { createDedupeClaims } from '@/lib/scale/dedupe-claim';
import { NO_WORKER } from '@/lib/scale/lost-check';
import { createScaledRunner } from '@/lib/scale/scaled-runner';
import { sweepUnserved } from '@/lib/scale/unserved-sweep';
import type { CheckStore } from '@/lib/store/check-store';
import { openPostgresStore } from '@/lib/store/postgres-store';
import { createFakeEngine } from '@/tests/fixtures/fake-engine';
import { freshDatabase, testServices, type FreshDatabase, deleteRedisKeys } from '@/tests/fixtures/test-services';

const REDIS_URL = `${testServices().redisUrl.replace(/\/\d*$/, '')}/11`;
const PREFIX = `mxray-it-runner-${randomBytes(4).toString('hex')}`;
const conns: Redis[] = [];
const closers: (() => Promise<unknown>)[] = [];
let db: FreshDatabase;

function connect(): Redis {
  const r = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  conns.push(r);
  return r;
}

async function openStore(): Promise<CheckStore> {
  const store = await openPostgresStore({ connectionString: db.url, poolSize: 4 });
  closers.push(() => store.close());
  return store;
}

/** One web instance: its own Redis connection, store pool and queues, on the shared services. */
async function instance(opts: { dedupeWindowMs?: number; queueSize?: number; configuredVantages?: string[] } = {}) {
  const redis = connect();
  const store = await openStore();
  const queues = new Map<string, Queue>();
  const queueFor = (vantage: string) => {
    let q = queues.get(vantage);
    if (!q) {
      q = new Queue(queueName(vantage), { connection: redis, prefix: PREFIX });
      queues.set(vantage, q);
      closers.push(() => q!.close());
    }
    return q;
  };
  const slots = createClientSlots({ redis, prefix: PREFIX, max: 1000, holdMs: 60_000 });
  const vantages = createVantageRegistry({ redis, prefix: PREFIX });
  const hub = createEventHub();
  const runner: Runner = createScaledRunner({
    engine: createFakeEngine(),
    store,
    hub,
    logger: silentLogger,
    queueFor,
    slots,
    vantages,
    configuredVantages: opts.configuredVantages ?? [],
    defaultVantage: 'here',
    queueSize: opts.queueSize ?? 100,
    dedupeWindowMs: opts.dedupeWindowMs ?? 0,
    dedupe: createDedupeClaims({ redis, prefix: PREFIX }),
    maxPerClient: 1000,
  });
  return { runner, store, queueFor, slots, vantages, hub };
}

async function sql<R extends pg.QueryResultRow>(text: string, params: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    return (await client.query<R>(text, params)).rows;
  } finally {
    await client.end();
  }
}

/** A BullMQ worker of `vantage` that holds every job it takes until release() */
function holdingWorker(vantage: string, concurrency: number) {
  const gates: (() => void)[] = [];
  const worker = new Worker(queueName(vantage), () => new Promise<void>((resolve) => gates.push(resolve)), {
    connection: connect(),
    prefix: PREFIX,
    concurrency,
  });
  closers.push(() => worker.close(true));
  return {
    worker,
    held: () => gates.length,
    release() {
      gates.splice(0).forEach((open) => open());
    },
  };
}

async function until(what: () => Promise<boolean> | boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await what())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}

beforeAll(async () => {
  db = await freshDatabase('mxray_scaled_runner');
  await connect().ping();
});

afterAll(async () => {
  for (const close of closers.reverse()) await close().catch(() => {});
  const r = conns[0]!;
  await deleteRedisKeys(r, PREFIX);
  for (const c of conns) c.disconnect();
  await db?.drop();
});

describe('dedupe across web instances', () => {
  it('two instances asked for the same domain at the same moment create one check and both answer with it', async () => {
    const a = await instance({ dedupeWindowMs: 60_000 });
    const b = await instance({ dedupeWindowMs: 60_000 });
    for (let round = 0; round < 5; round++) {
      const domain = `race${round}.scaled.test`;
      const outcomes = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).runner.start(domain, 'domain', `client-${i}`)));
      const ids = new Set(outcomes.map((o) => (o.ok ? o.id : `refused:${o.code}`)));
      expect(ids.size, `round ${round}: ${[...ids].join(', ')}`).toBe(1);
      expect(outcomes.filter((o) => o.ok && !o.deduped)).toHaveLength(1);
      const rows = await sql<{ n: number }>(`SELECT count(*)::int AS n FROM checks WHERE domain = $1`, [domain]);
      expect(rows[0]!.n).toBe(1);
      expect(await a.queueFor('here').getJobCountByTypes('waiting')).toBe(round + 1);
    }
  });

  it('a claimer whose check is refused gives the claim back: the next ask creates it', async () => {
    const full = await instance({ dedupeWindowMs: 60_000, queueSize: 0, configuredVantages: ['full'] });
    const roomy = await instance({ dedupeWindowMs: 60_000, queueSize: 10, configuredVantages: ['full'] });
    const refused = await full.runner.start('given-back.scaled.test', 'domain', 'c', { vantages: ['full'] });
    expect(refused).toMatchObject({ ok: false, code: 'saturated' });
    const created = await roomy.runner.start('given-back.scaled.test', 'domain', 'c', { vantages: ['full'] });
    expect(created).toMatchObject({ ok: true, deduped: false });
  });
});

describe("a vantage's queue is bounded by its queued and running checks", () => {
  it('counts the checks its workers run: live capacity + CHECK_QUEUE_SIZE, then saturated until one ends', async () => {
    const web = await instance({ queueSize: 1, configuredVantages: ['busy'] });
    const held = holdingWorker('busy', 2);
    await web.vantages.announce('busy', 'w1', 2);
    const start = (i: number) => web.runner.start(`busy${i}.scaled.test`, 'domain', 'c', { vantages: ['busy'] });
    expect(await start(1)).toMatchObject({ ok: true });
    expect(await start(2)).toMatchObject({ ok: true });
    await until(() => held.held() === 2);
    // Both running, nothing waiting: one more may wait…
    expect(await web.queueFor('busy').getJobCountByTypes('waiting')).toBe(0);
    expect(await start(3)).toMatchObject({ ok: true });
    // …and then the vantage is full, although only one check waits.
    expect(await start(4)).toMatchObject({ ok: false, code: 'saturated' });
    held.release();
    await until(async () => (await web.queueFor('busy').getJobCountByTypes('active', 'waiting')) <= 1);
    expect(await start(5)).toMatchObject({ ok: true });
    held.release();
    await web.vantages.withdraw('busy', 'w1', 2);
  });

  it('a vantage without a live worker holds just CHECK_QUEUE_SIZE checks', async () => {
    const web = await instance({ queueSize: 2, configuredVantages: ['idle'] });
    const start = (i: number) => web.runner.start(`idle${i}.scaled.test`, 'domain', 'c', { vantages: ['idle'] });
    expect(await start(1)).toMatchObject({ ok: true });
    expect(await start(2)).toMatchObject({ ok: true });
    expect(await start(3)).toMatchObject({ ok: false, code: 'saturated' });
  });
});

describe('a check no worker of its vantage takes', () => {
  it("ends 'interrupted' (no-worker) once it has waited its budget, its job removed, its viewers told; never one a worker runs", async () => {
    const web = await instance({ configuredVantages: ['nowhere', 'elsewhere', 'taken'] });
    const ends = new Map<string, CheckEnd>();
    const listen = (id: string) => web.hub.listen(id, { event: () => {}, end: (e) => ends.set(id, e) });
    const start = async (domain: string, vantage: string) => {
      const o = await web.runner.start(domain, 'domain', 'c', { vantages: [vantage] });
      if (!o.ok) throw new Error(o.code);
      listen(o.id);
      return o.id;
    };
    const lonely = await start('lonely.scaled.test', 'nowhere');
    // A vantage with a live worker (announced): its waiting check is that worker's to take.
    await web.vantages.announce('elsewhere', 'w2', 1);
    const served = await start('served.scaled.test', 'elsewhere');
    // A worker runs this one although the registry has no entry for it (its announcement lapsed).
    const held = holdingWorker('taken', 1);
    const running = await start('running.scaled.test', 'taken');
    await until(() => held.held() === 1);
    const sweep = (maxWaitMs: number) =>
      sweepUnserved({
        queueFor: web.queueFor,
        vantages: async () => ['nowhere', 'elsewhere', 'taken'],
        registry: web.vantages,
        maxWaitMs,
        store: web.store,
        hub: web.hub,
        slots: web.slots,
        logger: silentLogger,
      });

    expect(await sweep(60_000)).toEqual([]); // nothing has waited a minute
    await new Promise((r) => setTimeout(r, 300));
    expect(await sweep(200)).toEqual([lonely]);
    expect(await web.runner.getCheck(lonely)).toMatchObject({ status: 'interrupted', reason: NO_WORKER });
    expect(ends.get(lonely)).toEqual({ status: 'interrupted', reason: NO_WORKER });
    expect(await web.queueFor('nowhere').getJob(lonely)).toBeUndefined();
    expect((await web.runner.getCheck(served))?.status).toBe('queued');
    expect((await web.runner.getCheck(running))?.status).toBe('running');
    expect(ends.has(served) || ends.has(running)).toBe(false);
    // Idempotent: a second instance sweeping finds nothing left to end.
    expect(await sweep(200)).toEqual([]);
    held.release();
    await web.vantages.withdraw('elsewhere', 'w2', 1);
  });
});
