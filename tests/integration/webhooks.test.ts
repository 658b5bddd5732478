/**
 * Webhooks against real loopback receivers (127.125.0.0/16, this file's block): HTTPS with the
 * tests' own CA, names resolved only through the loopback DNS fixture. WEBHOOK_ALLOW_CIDRS opens
 * 127.125.1.0/24 alone, so 127.125.200.0/24 stands for "an address the policy refuses": it is
 * refused by the guard and never connected to.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRunner } from '@/lib/checks/runner';
import { createMonitor } from '@/lib/monitors/manage-monitor';
import type { MonitorJobDeps } from '@/lib/monitors/monitor-jobs';
import { createInProcessScheduler } from '@/lib/monitors/scheduler';
import { MonitorConditionsSchema, WebhookPayloadSchema } from '@/lib/monitors/schemas';
import { checkWebhookUrl, postWebhook, type WebhookClientDeps } from '@/lib/monitors/webhook-client';
import { SIGNATURE_HEADER, signatureHeader, verifySignature } from '@/lib/monitors/webhook-signature';
import { createAddressPolicy } from '@/lib/probe/address-policy';
import { createResolver } from '@/lib/probe/dns/resolver';
import type { CheckEngine } from '@/lib/probe/engine';
import type { CheckResult } from '@/lib/probe/schema';
import { createTlsContext } from '@/lib/probe/tls/tls-context';
import { silentLogger } from '@/lib/probe/types';
import { createSqliteStore } from '@/lib/store/sqlite-store';
import { startDnsServer, type DnsServerHandle, type ZoneRecord } from '@/tests/fixtures/dns-server';
import { createTestPki, type TestPki } from '@/tests/fixtures/pki';
import { SAMPLE_RESULT } from '@/tests/fixtures/sample-result';
import { startWebhookReceiver, type WebhookReceiver } from '@/tests/fixtures/webhook-receiver';

const ALLOWED = '127.125.1.1';
const REFUSED = '127.125.200.1';
const ALLOW_CIDRS = ['127.125.1.0/24'];
const SECRET = 'whsec_integration';

let pki: TestPki;
let dns: DnsServerHandle;
let https: WebhookReceiver;
let http: WebhookReceiver;
let selfSigned: WebhookReceiver;
let deps: WebhookClientDeps;

const zone = (moving: string): ZoneRecord[] => [
  { name: 'hook.monitor.test', type: 'A', address: ALLOWED },
  { name: 'inside.monitor.test', type: 'A', address: REFUSED },
  { name: 'mixed.monitor.test', type: 'A', address: ALLOWED },
  { name: 'mixed.monitor.test', type: 'A', address: REFUSED },
  { name: 'moving.monitor.test', type: 'A', address: moving },
];

/** Serves a new zone on the same port: what a DNS change looks like to the resolver. */
async function changeZone(moving: string): Promise<void> {
  const port = dns.port;
  await dns.close();
  dns = await startDnsServer(zone(moving), { port });
}

function sign(body: string) {
  return { [SIGNATURE_HEADER]: signatureHeader(SECRET, body, Math.floor(Date.now() / 1000)) };
}

beforeAll(async () => {
  pki = await createTestPki({ hosts: ['hook.monitor.test', 'moving.monitor.test'] });
  dns = await startDnsServer(zone(ALLOWED));
  https = await startWebhookReceiver({ host: ALLOWED, leaf: pki.valid });
  http = await startWebhookReceiver({ host: '127.125.1.2' });
  selfSigned = await startWebhookReceiver({ host: '127.125.1.3', leaf: pki.selfSigned });
  deps = {
    resolver: createResolver({ servers: [dns.servers], timeoutMs: 2_000, tries: 1 }),
    policy: createAddressPolicy({ allowCidrs: ALLOW_CIDRS }),
    httpAllowCidrs: ALLOW_CIDRS,
    tls: createTlsContext({ extraCaPem: pki.caPem, extraCaFile: '' }),
    timeoutMs: 3_000,
    maxResponseBytes: 64 * 1024,
  };
});

afterAll(async () => {
  await Promise.all([https?.close(), http?.close(), selfSigned?.close(), dns?.close()]);
});

describe('webhook delivery over HTTPS on loopback', () => {
  it('delivers the body with a signature the receiver verifies, over a verified TLS connection', async () => {
    const body = JSON.stringify({ hello: 'receiver' });
    const before = https.received.length;
    const r = await postWebhook({ url: `https://hook.monitor.test:${https.port}/in?x=1`, body, headers: sign(body) }, deps);
    expect(r).toMatchObject({ outcome: 'delivered', httpStatus: 204, error: null });
    const got = https.received[before]!;
    expect(got).toMatchObject({ method: 'POST', url: '/in?x=1', body });
    expect(got.headers['content-type']).toBe('application/json');
    expect(got.headers.host).toBe(`hook.monitor.test:${https.port}`);
    const verdict = verifySignature({ header: String(got.headers['mxray-signature']), body: got.body, secret: SECRET, nowSec: Date.now() / 1000 });
    expect(verdict.ok).toBe(true);
  });

  it('refuses a receiver whose certificate the trust store does not know', async () => {
    const r = await postWebhook({ url: `https://127.125.1.3:${selfSigned.port}/`, body: '{}', headers: sign('{}') }, deps);
    expect(r.outcome).toBe('tls-failed');
    expect(selfSigned.received).toHaveLength(0);
  });

  it('accepts plain http only inside WEBHOOK_ALLOW_CIDRS', async () => {
    const ok = await postWebhook({ url: `http://127.125.1.2:${http.port}/plain`, body: '{}', headers: sign('{}') }, deps);
    expect(ok.outcome).toBe('delivered');
    const refused = await checkWebhookUrl(`http://127.125.1.2:${http.port}/plain`, { ...deps, httpAllowCidrs: [] });
    expect(refused).toMatchObject({ ok: false, outcome: 'invalid-url' });
    expect(await checkWebhookUrl('ftp://hook.monitor.test/', deps)).toMatchObject({ ok: false, outcome: 'invalid-url' });
    expect(await checkWebhookUrl(`https://user:pw@hook.monitor.test:${https.port}/`, deps)).toMatchObject({ ok: false, outcome: 'invalid-url' });
  });

  it('does not follow a redirect', async () => {
    https.script.push({ status: 302, headers: { Location: `https://hook.monitor.test:${https.port}/elsewhere` } });
    const before = https.received.length;
    const r = await postWebhook({ url: `https://hook.monitor.test:${https.port}/moved`, body: '{}', headers: sign('{}') }, deps);
    expect(r).toMatchObject({ outcome: 'redirect', httpStatus: 302 });
    await new Promise((res) => setTimeout(res, 200));
    expect(https.received.slice(before).map((x) => x.url)).toEqual(['/moved']);
  });

  it('ends an attempt whose receiver never answers at the time budget, and one that floods at the size cap', async () => {
    https.script.push({ hang: true });
    const hung = await postWebhook({ url: `https://hook.monitor.test:${https.port}/slow`, body: '{}', headers: sign('{}') }, { ...deps, timeoutMs: 1_000 });
    expect(hung.outcome).toBe('timeout');
    https.script.push({ flood: true });
    const flooded = await postWebhook({ url: `https://hook.monitor.test:${https.port}/big`, body: '{}', headers: sign('{}') }, deps);
    // the answer was a 200; reading stopped at the cap instead of running until the budget
    expect(flooded.outcome).toBe('delivered');
  });
});

describe('webhook URLs pointing at refused addresses', () => {
  it('are rejected at creation: a name resolving to a refused address, one with any refused address, and a refused literal', async () => {
    expect(await checkWebhookUrl('https://inside.monitor.test/hook', deps)).toMatchObject({ ok: false, outcome: 'refused-address' });
    expect(await checkWebhookUrl('https://mixed.monitor.test/hook', deps)).toMatchObject({ ok: false, outcome: 'refused-address' });
    expect(await checkWebhookUrl(`https://${REFUSED}/hook`, deps)).toMatchObject({ ok: false, outcome: 'refused-address' });
    expect(await checkWebhookUrl('https://[::1]/hook', deps)).toMatchObject({ ok: false, outcome: 'refused-address' });
    expect(await checkWebhookUrl('https://missing.monitor.test/hook', deps)).toMatchObject({ ok: false, outcome: 'no-address' });
  });

  it('are rejected at creation by createMonitor, before anything is stored', async () => {
    const store = createSqliteStore({ file: ':memory:' });
    const created = await createMonitor(
      { store, checkUrl: (u) => checkWebhookUrl(u, deps), limits: { perClient: 5, total: 5, jitterMaxMs: 0 }, clock: { now: Date.now, monotonic: () => performance.now() } },
      { domain: 'example.test', interval: 3_600, conditions: MonitorConditionsSchema.parse({}), targets: [{ type: 'webhook', url: 'https://inside.monitor.test/x' }] },
      { client: 'c', origin: 'https://mxray.test' },
    );
    expect(created).toMatchObject({ ok: false, code: 'invalid_input', details: { reason: 'webhook-refused-address', target: 0 } });
    expect(await store.countMonitors()).toBe(0);
    await store.close();
  });

  it('are rejected at delivery when the name has moved to a refused address since creation', async () => {
    const url = `https://moving.monitor.test:${https.port}/moving`;
    expect(await checkWebhookUrl(url, deps)).toMatchObject({ ok: true });
    const before = https.received.length;
    await changeZone(REFUSED);
    deps = { ...deps, resolver: createResolver({ servers: [dns.servers], timeoutMs: 2_000, tries: 1 }) };
    const r = await postWebhook({ url, body: '{}', headers: sign('{}') }, deps);
    expect(r.outcome).toBe('refused-address');
    expect(r.error).toContain(REFUSED);
    expect(https.received.length).toBe(before);
  });
});

describe('a failing receiver', () => {
  it('gets the same signed body again with growing delays until it accepts it, each attempt logged', async () => {
    let now = Date.parse('2026-12-01T00:00:00Z');
    const clock = { now: () => now, monotonic: () => performance.now() };
    const store = createSqliteStore({ file: ':memory:', now: clock.now });
    let result: CheckResult = structuredClone(SAMPLE_RESULT);
    const engine: CheckEngine = {
      prepare: (input, mode) => ({ ok: true, target: { input, mode, domain: input, displayDomain: input } }),
      async *run(target) {
        const r = { ...structuredClone(result), target };
        yield { type: 'check-done', result: r };
        return r;
      },
    };
    const runner = createRunner({ engine, store, logger: silentLogger, maxConcurrent: 2, queueSize: 2, dedupeWindowMs: 0, clock });
    const jobs: MonitorJobDeps = {
      monitors: store,
      runner,
      post: (o) => postWebhook(o, deps),
      backoff: { baseMs: 10_000, maxMs: 600_000, maxAttempts: 5 },
      clock,
      logger: silentLogger,
      random: () => 0,
      jitterMaxMs: 0,
      retryRunMs: 60_000,
      deliveryLeaseMs: 60_000,
    };
    const scheduler = createInProcessScheduler({ ...jobs, pollMs: 3_600_000, maxConcurrentRuns: 1, maxConcurrentDeliveries: 1 });
    const pass = async () => (await scheduler.tick(), await scheduler.idle());
    const created = await createMonitor(
      { store, checkUrl: (u) => checkWebhookUrl(u, deps), limits: { perClient: 5, total: 5, jitterMaxMs: 0 }, clock, random: () => 0 },
      // the sample's expired certificate would alert on the first run too: this test is about one delivery
      { domain: 'example.test', interval: 3_600, conditions: MonitorConditionsSchema.parse({ certExpiresWithinDays: null }), targets: [{ type: 'webhook', url: `https://hook.monitor.test:${https.port}/retry` }] },
      { client: 'c', origin: 'https://mxray.test' },
    );
    if (!created.ok) throw new Error(created.message);
    await pass(); // baseline
    result = { ...structuredClone(SAMPLE_RESULT), summary: { ...SAMPLE_RESULT.summary, verdict: 'ok' } };
    now += 3_600_000;
    https.script.push({ status: 503 }, { status: 500 }, { status: 200 });
    const first = https.received.length;
    await pass(); // the run: verdict changed (better: back to normal)
    const times: number[] = [];
    for (let i = 0; i < 12 && https.received.length - first < 3; i++) {
      const n = https.received.length;
      await pass();
      if (https.received.length > n) times.push(now);
      now += 5_000;
    }
    const got = https.received.slice(first).filter((r) => r.url === '/retry');
    expect(got).toHaveLength(3);
    expect(new Set(got.map((g) => g.body)).size).toBe(1);
    const payload = WebhookPayloadSchema.parse(JSON.parse(got[0]!.body));
    expect(payload.reasons).toContain('back-to-normal');
    for (const g of got) expect(verifySignature({ header: String(g.headers['mxray-signature']), body: g.body, secret: created.monitor.signingSecret, nowSec: now / 1000, toleranceSec: 3_600 }).ok).toBe(true);
    // backoff with random 0: half the nominal delay, 5 s then 10 s, seen on the 5 s fake clock
    expect([times[1]! - times[0]!, times[2]! - times[1]!]).toEqual([5_000, 10_000]);
    const [d] = await store.listDeliveries(created.monitor.id, 5);
    expect(d!.attemptLog.map((a) => [a.outcome, a.httpStatus])).toEqual([
      ['http-status', 503],
      ['http-status', 500],
      ['delivered', 200],
    ]);
    await scheduler.stop(0);
    await runner.shutdown(0);
    await store.close();
  });
});
