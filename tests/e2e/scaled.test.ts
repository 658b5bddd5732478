/**
 * Scaled mode end to end, every part real: PostgreSQL (a fresh database, dropped after), Redis (its
 * own key prefix on a db of its own), BullMQ, two production web servers (standalone server.js, as the Dockerfile runs it)
 * and probe workers as separate processes (`npm run worker`'s build), all on loopback.
 *
 * Addresses (this file's blocks): workers' probes leave from 127.121.0.x (PROBE_SOURCE_ADDRESS),
 * API clients come from 127.121.1.x (each test its own rate-limit client), the fixture mail
 * servers listen on 127.122.0.x, the fixture DNS server on 127.0.0.1 (an ephemeral port).
 */
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPki } from '@/tests/fixtures/pki';
import { startOtlpReceiver, type OtlpReceiver } from '@/tests/fixtures/otlp-receiver';
import { freshDatabase, testServices, type FreshDatabase, deleteRedisKeys } from '@/tests/fixtures/test-services';
import { freePort } from '@/tests/fixtures/production-server';
import { parseExposition, total, labelValues } from '@/tests/fixtures/prometheus-text';
import { openSse, type SseFrame } from '@/tests/fixtures/sse-client';
import { buildWorker, startWorker, type WorkerProcess } from '@/tests/fixtures/worker-process';
import { startZoneLab, labEnv, type ZoneLab } from '@/tests/fixtures/zone-lab';
import type { FakeSmtpHandle } from '@/tests/fixtures/smtp-server';
import { ARTIFACTS, ROOT, launchBrowser, startApp, type AppServer } from './harness';

const SUFFIX = 'scale.test';
const EAST_SRC = '127.121.0.1';
const WEST_SRC = '127.121.0.2';
const EAST2_SRC = '127.121.0.3';
const REDIS_BASE = testServices().redisUrl;
// A db of our own on the shared Redis (the prefix alone would do; both keep runs apart).
const REDIS_URL = `${REDIS_BASE.replace(/\/\d*$/, '')}/11`;
const PREFIX = `mxray-e2e-${randomBytes(4).toString('hex')}`;

// A caller's trace (W3C traceparent, sampled): the worker's spans must join it.
const TRACE_ID = '5cf92f3577b34da6a3ce929d0e0e4799';
const PARENT_SPAN = '11f067aa0ba902c8';

let lab: ZoneLab;
let db: FreshDatabase;
let otlp: OtlpReceiver;
let eastMetricsPort: number;
let redis: Redis;
let dataDir: string;
let appEnv: Record<string, string>;
let webA: AppServer;
let webB: AppServer;
const workers: Record<string, WorkerProcess> = {};
let workerEnv: Record<string, string>;
let servers: { vantage: FakeSmtpHandle; slow: FakeSmtpHandle };

const domains = { ok: `ok.${SUFFIX}`, slow: `slow.${SUFFIX}`, vantage: `vantage.${SUFFIX}` };

/** An HTTP request from a chosen loopback client address (its own rate-limit key). */
function call(
  base: string,
  path: string,
  opts: { from: string; method?: string; body?: unknown; headers?: Record<string, string> },
): Promise<{ status: number; body: any }> {
  const url = new URL(path, base);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        method: opts.method ?? 'GET',
        localAddress: opts.from,
        headers: { ...(opts.body === undefined ? {} : { 'Content-Type': 'application/json' }), ...opts.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined });
        });
      },
    );
    req.on('error', reject);
    req.end(opts.body === undefined ? undefined : JSON.stringify(opts.body));
  });
}

async function post(base: string, from: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  return call(base, '/api/checks', { from, method: 'POST', body, headers });
}

async function untilEnded(base: string, id: string): Promise<any> {
  for (let i = 0; i < 900; i++) {
    const { body } = await call(base, `/api/checks/${id}`, { from: '127.121.1.250' });
    if (body.status === 'done' || body.status === 'interrupted') return body;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`check ${id} did not end`);
}

async function startWorkerAt(name: string, vantage: string, source: string, extra: Record<string, string> = {}): Promise<WorkerProcess> {
  const w = await startWorker({ root: ROOT, env: { ...workerEnv, VANTAGE: vantage, PROBE_SOURCE_ADDRESS: source, ...extra } });
  workers[name] = w;
  return w;
}

/** ids strictly 1, 2, 3, … and the events a check-done or an interrupted closes */
function expectWholeLog(frames: SseFrame[]): void {
  const ids = frames.filter((f) => f.id !== undefined).map((f) => f.id);
  expect(ids).toEqual(ids.map((_, i) => i + 1));
  expect(frames[0]?.event).toBe('check-started');
}

beforeAll(async () => {
  buildWorker(ROOT);
  const pki = await createTestPki({ hosts: [`mx.${domains.ok}`] });
  const plain = (address: string, extra: Record<string, unknown> = {}) => ({
    address,
    port: 25,
    greeting: [`220 mx.${SUFFIX} ESMTP`],
    ehlo: ['PIPELINING', 'SIZE 10240000', '8BITMIME'],
    ...extra,
  });
  lab = await startZoneLab(
    [
      { name: domains.ok, type: 'MX', preference: 10, exchange: `mx.${domains.ok}` },
      { name: `mx.${domains.ok}`, type: 'A', address: '127.122.0.10' },
      { name: domains.slow, type: 'MX', preference: 10, exchange: `mx.${domains.slow}` },
      { name: `mx.${domains.slow}`, type: 'A', address: '127.122.0.20' },
      { name: domains.vantage, type: 'MX', preference: 10, exchange: `mx.${domains.vantage}` },
      { name: `mx.${domains.vantage}`, type: 'A', address: '127.122.0.30' },
    ],
    [
      // a multi-line greeting with pauses: the check stays live long enough to watch it
      plain('127.122.0.10', { greeting: ['220-mx.scale.test ESMTP', '220-one moment', '220 mx.scale.test ready'], greetingPauseMs: 400 }),
      plain('127.122.0.20', { greeting: ['220-mx.scale.test ESMTP', '220-please wait', '220 mx.scale.test ready'], greetingPauseMs: 4_000 }),
      // a filter on the path from the west vantage: its connections are reset at once
      plain('127.122.0.30', { resetFrom: [WEST_SRC] }),
    ],
    pki.caPem,
  );
  servers = { slow: lab.servers[1]!, vantage: lab.servers[2]! };
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  db = await freshDatabase('mxray_scaled');
  otlp = await startOtlpReceiver();
  dataDir = mkdtempSync(join(tmpdir(), 'mxray-scaled-'));
  const shared = {
    ...labEnv(lab, { allowCidrs: '127.122.0.0/16', suffix: SUFFIX }),
    REDIS_URL,
    REDIS_PREFIX: PREFIX,
    DATABASE_URL: db.url,
    DATA_DIR: dataDir,
    DEDUPE_WINDOW_SECONDS: '0',
    PROBE_CONNECT_TIMEOUT_MS: '2000',
    PROBE_GREETING_TIMEOUT_MS: '15000',
    OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
    OTEL_BSP_SCHEDULE_DELAY: '100',
  };
  workerEnv = { ...shared, WORKER_LOCK_MS: '3000', WORKER_DRAIN_MS: '20000', MAX_CONCURRENT_CHECKS: '4' };
  appEnv = {
    ...shared,
    VANTAGE: 'east',
    RATE_LIMIT_PER_MINUTE: '1',
    RATE_LIMIT_BURST: '4',
    MAX_RUNNING_PER_CLIENT: '10',
    // 'south' is accepted but no worker of it ever starts; its checks wait this long (the web tier
    // runs no probe, so the budget here only bounds that wait).
    VANTAGES: 'south',
    CHECK_BUDGET_MS: '4000',
  };
  eastMetricsPort = await freePort();
  await startWorkerAt('east', 'east', EAST_SRC, { METRICS_PORT: String(eastMetricsPort) });
  await startWorkerAt('west', 'west', WEST_SRC);
  webA = await startApp(appEnv, { dataDir });
  webB = await startApp(appEnv, { dataDir });
});

afterAll(async () => {
  await webA?.stop();
  await webB?.stop();
  await Promise.all(Object.values(workers).map((w) => w.kill('SIGTERM')));
  if (redis) {
    await deleteRedisKeys(redis, PREFIX);
    redis.disconnect();
  }
  await otlp?.close();
  await lab?.close();
  await db?.drop();
});

describe('scaled mode: two web instances, workers apart', () => {
  it('is ready with Redis, and a check created on web A is watched live on web B, every event in order; resume works across instances', async () => {
    const ready = await call(webA.url, '/api/health/ready', { from: '127.121.1.250' });
    expect(ready.status).toBe(200);
    expect(ready.body.checks).toMatchObject({ store: 'ok', redis: 'ok' });

    const created = await post(webA.url, '127.121.1.1', { domain: domains.ok });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const onB = await openSse(`${webB.url}/api/checks/${id}/events`);
    await onB.done;
    expectWholeLog(onB.frames);
    expect(onB.frames.at(-1)?.event).toBe('check-done');
    // (That B follows a check live, not only from the store, the SIGKILL and restart tests show:
    // they act on an event B received while the check was still running.)
    const final = await untilEnded(webA.url, id);
    expect(final.status).toBe('done');
    expect(final.target.domain).toBe(domains.ok);
    const port25 = final.result.probes.find((p: { port: number }) => p.port === 25);
    expect(port25.outcome).toBe('success');

    // Resume on A after what B saw half-way: exactly the rest, same ids, same events.
    const half = Math.floor(onB.frames.length / 2);
    const lastSeen = onB.frames[half - 1]!.id!;
    const onA = await openSse(`${webA.url}/api/checks/${id}/events`, { 'Last-Event-ID': String(lastSeen) });
    await onA.done;
    expect(onA.frames.map((f) => [f.id, f.event])).toEqual(onB.frames.slice(half).map((f) => [f.id, f.event]));
  });

  it("the worker's spans join the web request's trace, and the worker exposes its own metrics (role worker, its vantage)", async () => {
    const created = await post(webA.url, '127.121.1.7', { domain: domains.ok }, { traceparent: `00-${TRACE_ID}-${PARENT_SPAN}-01` });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect((await untilEnded(webB.url, id)).status).toBe('done');
    let check: (typeof otlp.spans)[number] | undefined;
    for (let i = 0; i < 100 && !check; i++) {
      check = otlp.spans.find((s) => s.name === 'mxray.check' && s.attributes['mxray.check.id'] === id);
      if (!check) await new Promise((r) => setTimeout(r, 100));
    }
    expect(check, 'the check span').toBeDefined();
    expect(otlp.rejected).toEqual([]);
    // Started in the worker, in the trace of the request web A served.
    expect(check!.resource['mxray.role']).toBe('worker');
    expect(check!.resource['mxray.vantage']).toBe('east');
    expect(check!.traceId).toBe(TRACE_ID);
    const sameTrace = otlp.spans.filter((s) => s.traceId === TRACE_ID);
    const request = sameTrace.find((s) => s.resource['mxray.role'] === 'web' && s.parentSpanId === PARENT_SPAN);
    expect(request, 'the web request span').toBeDefined();
    const ancestors: string[] = [];
    for (let at = check!.parentSpanId; at && at !== PARENT_SPAN; at = sameTrace.find((s) => s.spanId === at)?.parentSpanId ?? '') ancestors.push(at);
    expect(ancestors).toContain(request!.spanId);
    const probes = otlp.spans.filter((s) => s.name === 'mxray.probe' && s.parentSpanId === check!.spanId);
    expect(probes.length).toBeGreaterThan(0);

    const res = await fetch(`http://127.0.0.1:${eastMetricsPort}/metrics`);
    expect(res.status).toBe(200);
    const metrics = await parseExposition(await res.text());
    expect(total(metrics, 'mxray_checks_finished_total', { role: 'worker', vantage: 'east', status: 'done' })).toBeGreaterThanOrEqual(2);
    expect(total(metrics, 'mxray_port_probes_total', { role: 'worker', vantage: 'east', port: '25' })).toBeGreaterThanOrEqual(2);
    for (const { label, value } of labelValues(metrics)) {
      if (label === 'role') expect(value).toBe('worker');
      expect(value).not.toContain(SUFFIX);
    }
  });

  it('holds one client to its rate limit across both web instances', async () => {
    const from = '127.121.1.2';
    // Refused bodies still spend a token: the limit comes first. Burst 4, refilled at 1 a minute.
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push((await post(i % 2 === 0 ? webA.url : webB.url, from, { domain: '' })).status);
    expect(answers.slice(0, 4)).toEqual([400, 400, 400, 400]);
    expect(answers.slice(4)).toEqual([429, 429]);
    // Another client is not affected.
    expect((await post(webB.url, '127.121.1.3', { domain: '' })).status).toBe(400);
  });

  it('runs a check once per vantage and shows the difference a filter on the path makes', async () => {
    const unknown = await post(webB.url, '127.121.1.4', { domain: domains.vantage, vantages: ['east', 'mars'] });
    expect(unknown.status).toBe(400);
    const created = await post(webB.url, '127.121.1.4', { domain: domains.vantage, vantages: ['east', 'west'] });
    expect(created.status).toBe(201);
    const group = created.body.vantages as { vantage: string; id: string }[];
    expect(group.map((g) => g.vantage)).toEqual(['east', 'west']);
    expect(created.body.id).toBe(group[0]!.id);
    const [east, west] = await Promise.all(group.map((g) => untilEnded(webA.url, g.id)));
    expect(east.status).toBe('done');
    expect(west.status).toBe('done');
    expect(east.target.vantage).toBe('east');
    expect(west.target.vantageGroup).toEqual(group.map(({ vantage, id }) => ({ vantage, id })));
    const p25 = (c: any) => c.result.probes.find((p: { port: number }) => p.port === 25);
    expect(p25(east).outcome).toBe('success');
    expect(p25(west).outcome).not.toBe('success');
    // Each vantage's probes left from its worker's source address.
    expect(servers.vantage.peers).toContain(EAST_SRC);
    expect(servers.vantage.peers).toContain(WEST_SRC);

    // The report of either check shows both side by side, with the finding, in both languages.
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
      await page.goto(`${webA.url}/check/${group[1]!.id}`);
      const section = page.locator('#vantages');
      await section.waitFor();
      expect(await section.locator('thead th').allTextContents()).toEqual(['Host · address · port', 'east', 'west']);
      expect(await section.textContent()).toContain('Port 25 answers from east but not from west');
      await section.screenshot({ path: join(ARTIFACTS, 'scaled-vantages.png') });
      // The widget of either check lists both vantages with their verdicts and marks the difference
      // (before any French page: the locale cookie would send /embed/… to /fr/embed/…).
      for (const theme of ['light', 'dark']) {
        for (const width of [1100, 360]) {
          await page.setViewportSize({ width, height: 900 });
          await page.goto(`${webA.url}/embed/${group[0]!.id}?theme=${theme}`);
          const widget = page.locator('#mx-embed');
          await widget.waitFor();
          const line = widget.getByRole('list', { name: 'From several vantages' });
          expect(await line.locator('li').allTextContents()).toEqual([expect.stringMatching(/^east/), expect.stringMatching(/^west/)]);
          expect(await line.locator('[aria-current]').textContent()).toMatch(/^east/);
          expect(await widget.textContent()).toContain('Port 25 answers from east but not from west');
          await widget.screenshot({ path: join(ARTIFACTS, `scaled-embed-vantages-${theme}-${width}.png`) });
        }
      }

      await page.goto(`${webB.url}/fr/check/${group[0]!.id}`);
      expect(await page.locator('#vantages').textContent()).toContain('Le port 25 répond depuis east mais pas depuis west');
      await page.goto(`${webB.url}/fr/embed/${group[1]!.id}`);
      expect(await page.locator('#mx-embed').textContent()).toContain('Le port 25 répond depuis east mais pas depuis west');
    } finally {
      await browser.close();
    }
  });

  it("ends a check asked of a vantage no worker serves within its budget: 'interrupted', reason no-worker, never stuck queued", async () => {
    const created = await post(webA.url, '127.121.1.10', { domain: domains.ok, vantages: ['south'] });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect((await call(webB.url, `/api/checks/${id}`, { from: '127.121.1.250' })).body.status).toBe('queued');
    const onB = await openSse(`${webB.url}/api/checks/${id}/events`);
    await onB.done;
    expect(onB.frames.at(-1)).toMatchObject({ event: 'interrupted', data: { status: 'interrupted', reason: 'no-worker' } });
    const final = await untilEnded(webA.url, id);
    expect(final).toMatchObject({ status: 'interrupted', reason: 'no-worker', target: { vantage: 'south' } });
    // Within its budget (4 s) and a sweep or two, not whenever a worker might show up.
    expect(Date.parse(final.finishedAt) - Date.parse(final.createdAt)).toBeLessThan(4_000 + 5_000);
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      await page.goto(`${webA.url}/check/${id}`);
      expect(await page.locator('main').textContent()).toMatch(/no probe worker of vantage south took it within \d+ s/);
    } finally {
      await browser.close();
    }
  });

  it('ends a check whose worker is SIGKILLed mid-check: another worker takes it over, it is never left running', async () => {
    await startWorkerAt('east2', 'east', EAST2_SRC);
    const created = await post(webA.url, '127.121.1.5', { domain: domains.slow });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const onB = await openSse(`${webB.url}/api/checks/${id}/events`);
    // Which east worker took it: the one whose source address reached the slow server.
    const first = await onB.until((f) => f.event === 'probe-connected');
    expect(first).toBeDefined();
    const source = servers.slow.peers.at(-1);
    const victim = source === EAST_SRC ? 'east' : source === EAST2_SRC ? 'east2' : undefined;
    expect(victim).toBeDefined();
    expect(await workers[victim!]!.kill('SIGKILL')).toBe('SIGKILL');
    delete workers[victim!];
    await onB.done;
    const last = onB.frames.at(-1)!;
    expect(['check-done', 'interrupted']).toContain(last.event);
    if (last.event === 'interrupted') expect(last.data).toMatchObject({ status: 'interrupted', reason: 'worker-lost' });
    expectWholeLog(onB.frames);
    const final = await untilEnded(webA.url, id);
    expect(['done', 'interrupted']).toContain(final.status);
  });

  it("ends the check of a vantage whose only worker is SIGKILLed: the web tier's stalled-job watch interrupts it", async () => {
    const created = await post(webB.url, '127.121.1.8', { domain: domains.slow, vantages: ['west'] });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const onA = await openSse(`${webA.url}/api/checks/${id}/events`);
    await onA.until((f) => f.event === 'probe-connected');
    expect(servers.slow.peers.at(-1)).toBe(WEST_SRC);
    expect(await workers.west!.kill('SIGKILL')).toBe('SIGKILL');
    delete workers.west;
    await onA.done;
    expect(onA.frames.at(-1)).toMatchObject({ event: 'interrupted', data: { status: 'interrupted', reason: 'worker-lost' } });
    expectWholeLog(onA.frames);
    const final = await untilEnded(webB.url, id);
    expect(final).toMatchObject({ status: 'interrupted', reason: 'worker-lost' });
  });

  it('loses nothing when a web instance restarts, even with a check in flight', async () => {
    const created = await post(webA.url, '127.121.1.6', { domain: domains.slow });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const onB = await openSse(`${webB.url}/api/checks/${id}/events`);
    await onB.until((f) => f.event === 'probe-connected');
    await webA.stop('SIGTERM');
    webA = await startApp(appEnv, { dataDir });
    await onB.done;
    expect(onB.frames.at(-1)?.event).toBe('check-done');
    expectWholeLog(onB.frames);
    // The restarted instance serves the whole log and the result.
    const replay = await openSse(`${webA.url}/api/checks/${id}/events`);
    await replay.done;
    expect(replay.frames.map((f) => [f.id, f.event])).toEqual(onB.frames.map((f) => [f.id, f.event]));
    expect((await untilEnded(webA.url, id)).status).toBe('done');
  });

  it('drains on SIGTERM: the running check finishes, then the worker exits', async () => {
    const created = await post(webA.url, '127.121.1.9', { domain: domains.slow });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const onB = await openSse(`${webB.url}/api/checks/${id}/events`);
    await onB.until((f) => f.event === 'probe-connected');
    const source = servers.slow.peers.at(-1);
    const name = Object.keys(workers).find((n) => (n === 'east' ? EAST_SRC : n === 'east2' ? EAST2_SRC : '') === source);
    expect(name).toBeDefined();
    const exit = workers[name!]!.kill('SIGTERM');
    await onB.done;
    expect(onB.frames.at(-1)?.event).toBe('check-done');
    expect(await exit).toBe(0);
    delete workers[name!];
    expect((await untilEnded(webA.url, id)).status).toBe('done');
  });
});
