/**
 * Monitors in scaled mode end to end, every part real: PostgreSQL (a fresh database), Redis (a key
 * prefix of this run's own), BullMQ job schedulers, two production web instances (they run the
 * monitor jobs), a probe worker process (it runs the checks), the loopback mail lab and an HTTPS
 * webhook receiver (127.132.0.0/16, this file's block).
 *
 * A monitor created on web A runs through BullMQ; a port closes; "Run now" on web B; both web
 * instances are killed (SIGKILL) while the run's check is still going on at the probe worker; a
 * new web instance takes the run's job over once its lock lapses, completes the run with that very
 * check and delivers the signed alert (after a 503, with backoff); the schedule is still there.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MonitorViewSchema, WebhookPayloadSchema, type MonitorView } from '@/lib/monitors/schemas';
import { verifySignature } from '@/lib/monitors/webhook-signature';
import { MONITOR_RUNS_QUEUE } from '@/lib/scale/bullmq-monitor-scheduler';
import { startMailLab, type MailLab } from '@/tests/fixtures/mail-lab';
import { deleteRedisKeys, freshDatabase, testServices, type FreshDatabase } from '@/tests/fixtures/test-services';
import { startWebhookReceiver, type WebhookReceiver } from '@/tests/fixtures/webhook-receiver';
import { buildWorker, startWorker, type WorkerProcess } from '@/tests/fixtures/worker-process';
import { ROOT, startApp, type AppServer } from './harness';

const RECEIVER = '127.132.50.1';
const PREFIX = `mxray-e2e-mon-${randomBytes(4).toString('hex')}`;
const LOCK_MS = 3_000;

let lab: MailLab;
let receiver: WebhookReceiver;
let db: FreshDatabase;
let redis: Redis;
let worker: WorkerProcess;
let appEnv: Record<string, string>;
let dataDir: string;
const webs: AppServer[] = [];
let token = '';

async function monitorOn(web: AppServer): Promise<MonitorView> {
  const res = await fetch(`${web.url}/api/monitors/${token}`);
  expect(res.status).toBe(200);
  return MonitorViewSchema.parse(await res.json());
}

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${webs.map((w) => w.logs.join('').slice(-2000)).join('\n---\n')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function schedulerOf(id: string) {
  const q = new Queue(MONITOR_RUNS_QUEUE, { connection: redis, prefix: PREFIX });
  try {
    return await q.getJobScheduler(id);
  } finally {
    await q.close();
  }
}

async function pendingRun(id: string): Promise<{ pending_since: string | null; pending_check_id: string | null }> {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    return (await client.query('SELECT pending_since, pending_check_id FROM monitors WHERE id = $1', [id])).rows[0];
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  buildWorker(ROOT);
  lab = await startMailLab({ block: 132, suffix: 'scaledmon.test' });
  receiver = await startWebhookReceiver({ host: RECEIVER, leaf: await lab.pki.issue({ hosts: [RECEIVER] }) });
  db = await freshDatabase('mxray_scaled_mon');
  redis = new Redis(testServices().redisUrl, { maxRetriesPerRequest: null });
  dataDir = mkdtempSync(join(tmpdir(), 'mxray-scaled-mon-'));
  const shared = {
    ...lab.env,
    REDIS_URL: testServices().redisUrl,
    REDIS_PREFIX: PREFIX,
    DATABASE_URL: db.url,
    DATA_DIR: dataDir,
    DEDUPE_WINDOW_SECONDS: '0',
    WORKER_LOCK_MS: String(LOCK_MS),
  };
  worker = await startWorker({ root: ROOT, env: { ...shared, MAX_CONCURRENT_CHECKS: '4' } });
  appEnv = {
    ...shared,
    WEBHOOK_ALLOW_CIDRS: '127.132.50.0/24',
    MONITOR_JITTER_SECONDS: '0',
    WEBHOOK_RETRY_BASE_SECONDS: '1',
    WEBHOOK_TIMEOUT_MS: '5000',
    MONITOR_RUN_NOW_COOLDOWN_SECONDS: '0',
  };
  webs.push(await startApp(appEnv, { dataDir }), await startApp(appEnv, { dataDir }));
}, 180_000);

afterAll(async () => {
  for (const w of webs) await w.stop().catch(() => {});
  await worker?.kill('SIGTERM');
  if (redis) {
    await deleteRedisKeys(redis, `${PREFIX}:`);
    redis.disconnect();
  }
  await receiver?.close();
  await lab?.close();
  await db?.drop();
});

describe('monitors in scaled mode: BullMQ job schedulers, web instances, a probe worker apart', () => {
  it('creates a monitor on web A whose first run goes through BullMQ and the probe worker', async () => {
    const [a, b] = webs as [AppServer, AppServer];
    const res = await fetch(`${a.url}/api/monitors`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ domain: lab.domains.good, interval: 3600, targets: [{ type: 'webhook', url: `https://${RECEIVER}:${receiver.port}/scaled` }] }),
    });
    expect(res.status).toBe(201);
    const created = await res.json();
    token = created.manageUrl.slice(created.manageUrl.lastIndexOf('/') + 1);
    const m = await until('the first run', async () => {
      const v = await monitorOn(b);
      return v.lastCheckId ? v : null;
    });
    expect(m.deliveries).toEqual([]);
    // the web instances schedule with BullMQ, and the check ran at the probe worker
    expect(a.logs.join('')).toContain('monitor scheduler: BullMQ job schedulers');
    expect(worker.logs.join('')).toContain(m.lastCheckId!);
    const scheduler = await schedulerOf(m.id);
    expect(scheduler).toMatchObject({ every: 3_600_000 });
  });

  it('survives both web instances dying during a run: a new one ends the run with its check and delivers the signed alert, retried after a 503', async () => {
    const [, b] = webs as [AppServer, AppServer];
    const before = await monitorOn(b);
    await lab.servers.find((s) => s.port === 587 && s.address === '127.132.1.1')!.close();
    receiver.script.push({ status: 503 });
    const asked = await fetch(`${b.url}/api/monitors/${token}`, { method: 'PATCH', headers: { 'Content-Type': 'application/json' }, body: '{"runNow":true}' });
    expect(asked.status).toBe(200);
    const pending = await until('the run to start its check', async () => {
      const p = await pendingRun(before.id);
      return p.pending_check_id ? p : null;
    });
    for (const w of webs.splice(0)) await w.stop('SIGKILL');
    // Killed during the run: nobody completed it.
    expect((await pendingRun(before.id)).pending_since).not.toBeNull();

    const c = await startApp(appEnv, { dataDir });
    webs.push(c);
    const m = await until(
      'the alert to be delivered',
      async () => {
        const v = await monitorOn(c);
        return v.deliveries[0]?.status === 'delivered' ? v : null;
      },
      90_000,
    );
    // the run ended with the check started before the kill: not run a second time
    expect(m.lastCheckId).toBe(pending.pending_check_id);
    const [d] = m.deliveries;
    expect(d!.attempts.map((x) => [x.n, x.outcome, x.httpStatus])).toEqual([
      [1, 'http-status', 503],
      [2, 'delivered', 204],
    ]);
    const got = receiver.received.filter((r) => r.url === '/scaled');
    expect(got).toHaveLength(2);
    expect(got[0]!.body).toBe(got[1]!.body);
    expect(got[1]!.at - got[0]!.at).toBeGreaterThanOrEqual(500); // 1 s nominal backoff, never under half
    for (const g of got) {
      expect(verifySignature({ header: String(g.headers['mxray-signature']), body: g.body, secret: m.signingSecret, nowSec: Date.now() / 1000 }).ok).toBe(true);
    }
    const payload = WebhookPayloadSchema.parse(JSON.parse(got[0]!.body));
    expect(payload.reasons).toContain('port-changed');
    expect(payload.changes).toContainEqual(expect.objectContaining({ kind: 'port-status', address: '127.132.1.1', port: 587, to: 'closed' }));
    // the schedule is still there: an hour after the run, in the store and in Redis
    expect(Date.parse(m.nextRunAt)).toBeGreaterThan(Date.now() + 3_000_000);
    const scheduler = await schedulerOf(m.id);
    expect(scheduler?.template?.data).toMatchObject({ monitorId: m.id, nextRunAt: Date.parse(m.nextRunAt) });
  });

  it('removes the schedule with the monitor', async () => {
    const c = webs[0]!;
    const m = await monitorOn(c);
    expect((await fetch(`${c.url}/api/monitors/${token}`, { method: 'DELETE' })).status).toBe(204);
    expect(await schedulerOf(m.id)).toBeUndefined();
  });
});
