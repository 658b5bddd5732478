/**
 * Operating the production server (standalone server.js, as the Dockerfile runs it): its metrics
 * endpoint scraped over loopback and read with a real exposition parser after checks against the
 * loopback mail lab (127.115.0.0/16), its traces received by a loopback OTLP/HTTP receiver, its
 * health endpoints, and readiness flipping on SIGTERM while a check still runs. The metrics
 * endpoint is forced into token mode (METRICS_TOKEN) on a loopback bind: nothing here binds
 * anything but 127.0.0.1 (the non-loopback policy itself is tests/unit/metrics-access.test.ts).
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMailLab, type MailLab } from '@/tests/fixtures/mail-lab';
import { startOtlpReceiver, type OtlpReceiver } from '@/tests/fixtures/otlp-receiver';
import { histograms, labelValues, parseExposition, samples, total, type PromMetrics } from '@/tests/fixtures/prometheus-text';
import { freePort, startApp, type AppServer } from './harness';

const TOKEN = 'e2e-metrics-token-0123456789';
// A caller's trace: the check's spans must join it (W3C traceparent, sampled).
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_SPAN = '00f067aa0ba902b7';

let lab: MailLab;
let otlp: OtlpReceiver;
let app: AppServer;
let metricsUrl: string;

async function scrape(token: string | undefined = TOKEN): Promise<PromMetrics> {
  const res = await fetch(metricsUrl, token ? { headers: { Authorization: `Bearer ${token}` } } : {});
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parseExposition(await res.text());
}

/** POST from a chosen loopback source address (its own rate-limit client). */
function postFrom(localAddress: string, path: string, body: string): Promise<number> {
  const url = new URL(path, app.url);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', localAddress, headers: { 'Content-Type': 'application/json' } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function startCheck(domain: string, headers: Record<string, string> = {}): Promise<string> {
  const res = await fetch(`${app.url}/api/checks`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify({ domain }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

async function untilDone(id: string): Promise<{ result: { probes: { port: number; outcome: string }[] } }> {
  for (let i = 0; i < 600; i++) {
    const body = (await (await fetch(`${app.url}/api/checks/${id}`)).json()) as { status: string; result: never };
    if (body.status === 'done') return body;
    if (body.status === 'interrupted') throw new Error(`check ${id} interrupted`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`check ${id} did not finish`);
}

beforeAll(async () => {
  lab = await startMailLab({ block: 115, suffix: 'obs.test', slowGreetingPauseMs: 3_000 });
  otlp = await startOtlpReceiver();
  const metricsPort = await freePort();
  metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
  app = await startApp({
    ...lab.env,
    METRICS_PORT: String(metricsPort),
    METRICS_HOST: '127.0.0.1',
    METRICS_TOKEN: TOKEN,
    MXRAY_VANTAGE: 'lab-1',
    OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
    OTEL_SERVICE_NAME: 'mxray-e2e',
    OTEL_BSP_SCHEDULE_DELAY: '100',
    // The rate-limit test opens 200 requests at once from one peer.
    SERVER_MAX_CONNECTIONS_PER_CLIENT: '1000',
  });
});

afterAll(async () => {
  await app?.stop();
  await otlp?.close();
  await lab?.close();
});

describe('metrics endpoint', () => {
  it('refuses a scrape without the bearer token, or with another one', async () => {
    const none = await fetch(metricsUrl);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await fetch(metricsUrl, { headers: { Authorization: 'Bearer not-the-token-at-all' } })).status).toBe(401);
    expect((await fetch(metricsUrl.replace('/metrics', '/'), { headers: { Authorization: `Bearer ${TOKEN}` } })).status).toBe(404);
  });

  it('moves counters and histograms with checks, labels every series with role and vantage, and never a domain', async () => {
    const before = await scrape();
    const ids = [await startCheck(lab.domains.good), await startCheck(lab.domains.plain), await startCheck(lab.domains.busy)];
    const results = await Promise.all(ids.map(untilDone));
    const probes = results.flatMap((r) => r.result.probes);
    // The runner reports a check's end just after storing it.
    let after = await scrape();
    for (let i = 0; i < 50 && total(after, 'mxray_checks_finished_total') - total(before, 'mxray_checks_finished_total') < 3; i++) {
      await new Promise((r) => setTimeout(r, 100));
      after = await scrape();
    }
    const delta = (name: string, want: Record<string, string> = {}) => total(after, name, want) - total(before, name, want);

    expect(delta('mxray_checks_started_total', { mode: 'domain' })).toBe(3);
    expect(delta('mxray_checks_finished_total', { status: 'done' })).toBe(3);
    expect(delta('mxray_port_probes_total')).toBe(probes.length);
    for (const port of ['25', '465', '587', '2525']) {
      expect(delta('mxray_port_probes_total', { port }), port).toBe(probes.filter((p) => String(p.port) === port).length);
    }
    expect(delta('mxray_port_probes_total', { outcome: 'server-busy' })).toBe(probes.filter((p) => p.outcome === 'server-busy').length);
    expect(delta('mxray_dns_questions_total', { type: 'MX', status: 'ok' })).toBe(3);

    const count = (m: PromMetrics, name: string, want: Record<string, string>) => histograms(m, name, want).reduce((n, h) => n + h.count, 0);
    expect(count(after, 'mxray_check_duration_seconds', { status: 'done' }) - count(before, 'mxray_check_duration_seconds', { status: 'done' })).toBe(3);
    expect(count(after, 'mxray_probe_stage_duration_seconds', { stage: 'total' }) - count(before, 'mxray_probe_stage_duration_seconds', { stage: 'total' })).toBe(probes.length);
    for (const stage of ['connect', 'greeting', 'tls', 'ehlo', 'ehlo_tls']) {
      expect(count(after, 'mxray_probe_stage_duration_seconds', { stage }) - count(before, 'mxray_probe_stage_duration_seconds', { stage }), stage).toBeGreaterThan(0);
    }
    expect(count(after, 'mxray_store_operation_duration_seconds', { operation: 'appendEvent', kind: 'write', outcome: 'ok' })).toBeGreaterThan(0);
    expect(total(after, 'mxray_checks_running')).toBe(0);
    expect(total(after, 'mxray_checks_queued')).toBe(0);
    expect(total(after, 'mxray_ready')).toBe(1);
    for (const name of ['nodejs_eventloop_lag_p99_seconds', 'nodejs_heap_size_used_bytes', 'nodejs_gc_duration_seconds', 'process_resident_memory_bytes']) {
      expect(after[name], name).toBeDefined();
    }

    const values = labelValues(after);
    for (const { metric, value } of values) {
      expect(value, metric).not.toMatch(/obs\.test|127\.115\./);
    }
    for (const name of Object.keys(after).filter((n) => n.startsWith('mxray_'))) {
      for (const s of samples(after, name).concat(histograms(after, name) as never[])) {
        expect(s.labels, name).toMatchObject({ role: 'web', vantage: 'lab-1' });
      }
    }
  });

  it('counts rate-limit refusals without the client address', async () => {
    const before = await scrape();
    // The harness allows a burst of 100 and 10 more a second; 200 at once meet the limit. They come
    // from 127.0.0.2: clients are keyed by their TCP peer address (issue 10), so this drains that
    // client's bucket and leaves the other tests' (127.0.0.1) alone.
    const answers = await Promise.all(Array.from({ length: 200 }, () => postFrom('127.0.0.2', '/api/checks', '{}')));
    const refused = answers.filter((s) => s === 429).length;
    expect(refused).toBeGreaterThan(0);
    const after = await scrape();
    expect(total(after, 'mxray_rate_limited_total') - total(before, 'mxray_rate_limited_total')).toBe(refused);
  });
});

describe('traces', () => {
  it('sends one check span under the caller’s trace, one span per port probe under it, stages as events', async () => {
    const id = await startCheck(lab.domains.implicit, { traceparent: `00-${TRACE_ID}-${PARENT_SPAN}-01` });
    const { result } = await untilDone(id);
    let check: (typeof otlp.spans)[number] | undefined;
    let probeSpans: typeof otlp.spans = [];
    for (let i = 0; i < 100; i++) {
      check = otlp.spans.find((s) => s.name === 'mxray.check' && s.attributes['mxray.check.id'] === id);
      probeSpans = check ? otlp.spans.filter((s) => s.name === 'mxray.probe' && s.parentSpanId === check!.spanId) : [];
      if (check && probeSpans.length >= result.probes.length) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(otlp.rejected).toEqual([]);
    expect(check, 'check span').toBeDefined();
    expect(check!.traceId).toBe(TRACE_ID);
    expect(check!.resource['service.name']).toBe('mxray-e2e');
    expect(check!.resource['mxray.vantage']).toBe('lab-1');
    expect(check!.attributes['mxray.check.verdict']).toBeTypeOf('string');

    // Next's span for the HTTP request (kind SERVER) is in the caller's trace, and the check
    // descends from it: web request → check, linked through the carried trace context.
    const sameTrace = otlp.spans.filter((s) => s.traceId === TRACE_ID);
    const request = sameTrace.find((s) => s.kind === 2 && s.parentSpanId === PARENT_SPAN);
    expect(request, `a SERVER span among ${sameTrace.map((s) => `${s.name}/${s.kind}`).join(', ')}`).toBeDefined();
    const ancestors: string[] = [];
    for (let at = check!.parentSpanId; at && at !== PARENT_SPAN; at = sameTrace.find((s) => s.spanId === at)?.parentSpanId ?? '') ancestors.push(at);
    expect(ancestors).toContain(request!.spanId);

    expect(probeSpans).toHaveLength(result.probes.length);
    expect(probeSpans.map((s) => Number(s.attributes['server.port'])).sort()).toEqual(result.probes.map((p) => p.port).sort());
    for (const s of probeSpans) {
      expect(s.traceId).toBe(TRACE_ID);
      expect(s.startNs >= check!.startNs && s.endNs <= check!.endNs, s.name).toBe(true);
      const outcome = result.probes.find((p) => p.port === Number(s.attributes['server.port']))!.outcome;
      expect(s.attributes['mxray.probe.outcome']).toBe(outcome);
      if (outcome === 'success') expect(s.events.map((e) => e.name)).toContain('connect');
    }
    const dns = sameTrace.find((s) => s.name === 'mxray.dns' && s.parentSpanId === check!.spanId);
    expect(dns, 'dns span').toBeDefined();
    expect(sameTrace.filter((s) => s.parentSpanId === dns!.spanId).map((s) => s.name).sort()).toEqual(['mxray.dns.addresses', 'mxray.dns.mx']);
  });
});

describe('health', () => {
  it('answers liveness, readiness and the original health endpoint', async () => {
    const live = await fetch(`${app.url}/api/health/live`);
    expect(live.status).toBe(200);
    expect(await live.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${app.url}/api/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { shutdown: 'running', runner: 'accepting', store: 'ok' } });
    const health = await fetch(`${app.url}/api/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', db: 'ok' });
  });

  it('on SIGTERM reports not ready while a running check drains', async () => {
    const id = await startCheck(lab.domains.slow);
    // Keep a viewer attached: Next waits for open responses before it exits.
    const stream = await fetch(`${app.url}/api/checks/${id}/events`);
    expect(stream.status).toBe(200);
    const reader = stream.body!.getReader();
    await reader.read();
    expect(total(await scrape(), 'mxray_checks_running')).toBe(1);
    process.kill(app.pid, 'SIGTERM');
    let m: PromMetrics | undefined;
    for (let i = 0; i < 50; i++) {
      m = await scrape();
      if (total(m, 'mxray_ready') === 0) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(total(m!, 'mxray_ready')).toBe(0);
    expect(total(m!, 'mxray_checks_running')).toBe(1);
    await reader.cancel().catch(() => {});
  });
});

describe('metrics endpoint configuration', () => {
  it('refuses to start with a non-loopback METRICS_HOST and no METRICS_TOKEN (before binding anything)', async () => {
    const port = await freePort();
    // The policy rejects the address before any listen(): nothing binds 0.0.0.0 here.
    const started = startApp({ ...lab.env, METRICS_PORT: String(port), METRICS_HOST: '0.0.0.0' });
    await expect(started).rejects.toThrow(/exited early[\s\S]*METRICS_TOKEN/);
  });
});
