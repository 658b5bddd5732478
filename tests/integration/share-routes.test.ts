/**
 * Exports (GET /api/checks/:id?format=…), badges (/badge/…) and the OpenAPI document, through the
 * route handlers with a runner over the fake engine and an in-memory store.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { GET as getCheck } from '@/app/api/checks/[id]/route';
import { GET as getOpenApi } from '@/app/api/openapi.json/route';
import { GET as getCheckBadge } from '@/app/badge/check/[file]/route';
import { GET as getDomainBadge } from '@/app/badge/[file]/route';
import { setServicesForTests } from '@/lib/checks/get-runner';
import { createTokenBucketLimiter } from '@/lib/checks/rate-limit';
import { createRunner, type Runner } from '@/lib/checks/runner';
import { ApiErrorSchema, CheckResponseSchema } from '@/lib/http/api-schemas';
import { CheckResultSchema } from '@/lib/probe/schema';
import { silentLogger } from '@/lib/probe/types';
import type { CheckStore } from '@/lib/store/check-store';
import { newCheckId } from '@/lib/store/check-id';
import { createSqliteStore } from '@/lib/store/sqlite-store';
import { createFakeEngine, createGate, fakeResult, fakeTarget } from '@/tests/fixtures/fake-engine';
import { parseCsvObjects } from '@/tests/fixtures/rfc4180';
import { SAMPLE_RESULT } from '@/tests/fixtures/sample-result';
import { parseXml, xmlElements, xmlText } from '@/tests/fixtures/xml';

const BASE = 'http://127.0.0.1';
const DAY = 86_400_000;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  setServicesForTests(undefined);
  for (const c of cleanups.splice(0).reverse()) await c();
});

function install(engine = createFakeEngine()): { runner: Runner; store: CheckStore } {
  const store = createSqliteStore({ file: ':memory:' });
  const runner = createRunner({ engine, store, logger: silentLogger, maxConcurrent: 4, queueSize: 4, dedupeWindowMs: 0 });
  cleanups.push(async () => {
    await runner.shutdown(0);
    await store.close();
  });
  setServicesForTests({ runner, store, rateLimiter: createTokenBucketLimiter({ perMinute: 60, burst: 100 }), trustProxy: false, logger: silentLogger });
  return { runner, store };
}

/** A finished check stored directly, with the result and finishing time a test needs. */
async function storeDone(store: CheckStore, result = SAMPLE_RESULT, finishedAt = Date.now()): Promise<string> {
  const id = newCheckId();
  await store.createCheck({ id, target: result.target, createdAt: finishedAt - 10_000 });
  await store.finishCheck(id, result, finishedAt);
  return id;
}

const exportOf = (id: string, query: string) => getCheck(new Request(`${BASE}/api/checks/${id}${query}`), { params: Promise.resolve({ id }) });
const checkBadge = (file: string) => getCheckBadge(new Request(`${BASE}/badge/check/${file}`), { params: Promise.resolve({ file }) });
const domainBadge = (file: string) => getDomainBadge(new Request(`${BASE}/badge/${file}`), { params: Promise.resolve({ file }) });

async function badgeText(res: Response): Promise<{ value: string; color: string; title: string }> {
  expect(res.headers.get('content-type')).toBe('image/svg+xml; charset=utf-8');
  const svg = parseXml(await res.text());
  const all = xmlElements(svg);
  const texts = all.filter((e) => e.name === 'text' && e.attrs['aria-hidden'] !== 'true').map(xmlText);
  const painted = xmlElements(all.find((e) => e.name === 'g' && e.attrs['clip-path'])!).filter((e) => e.name === 'rect' && e.attrs.fill?.startsWith('#'));
  return { value: texts[1]!, color: painted[1]!.attrs.fill!, title: xmlText(all.find((e) => e.name === 'title')!) };
}

describe('exports', () => {
  it('serve the bare result, exactly the schema, as a named download', async () => {
    const { store } = install();
    const id = await storeDone(store);
    const res = await exportOf(id, '?format=result');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="mxray-example.test-20260302T1000Z-result.json"');
    const body = await res.json();
    expect(CheckResultSchema.strict().parse(body)).toEqual(SAMPLE_RESULT);
    expect(body).toEqual(JSON.parse(JSON.stringify(SAMPLE_RESULT)));
  });

  it('serve the port table and the certificates as RFC 4180 CSV', async () => {
    const { store } = install();
    const id = await storeDone(store);
    const ports = await exportOf(id, '?format=csv');
    expect(ports.headers.get('content-type')).toBe('text/csv; charset=utf-8; header=present');
    expect(ports.headers.get('content-disposition')).toContain('-ports.csv"');
    const rows = parseCsvObjects(await ports.text());
    expect(rows).toHaveLength(SAMPLE_RESULT.probes.length);
    expect(new Set(rows.map((r) => `${r.address}|${r.port}`))).toEqual(new Set(SAMPLE_RESULT.probes.map((p) => `${p.address}|${p.port}`)));

    const certs = await exportOf(id, '?format=csv&table=certificates');
    expect(certs.headers.get('content-disposition')).toContain('-certificates.csv"');
    const certRows = parseCsvObjects(await certs.text());
    expect(certRows.filter((r) => r.role === 'leaf')).toHaveLength(2);
  });

  it('keep the default answer, the JSON state of the check', async () => {
    const { store } = install();
    const id = await storeDone(store);
    for (const q of ['', '?format=json']) {
      const res = await exportOf(id, q);
      expect(res.headers.get('content-type')).toContain('application/json');
      expect(CheckResponseSchema.parse(await res.json())).toMatchObject({ id, status: 'done' });
    }
  });

  it('refuse unknown formats and tables with a 400, and a running check with 409 not_ready', async () => {
    const gate = createGate();
    const { runner, store } = install(createFakeEngine({ beforeEvent: (i) => (i === 2 ? gate.wait() : undefined) }));
    const id = await storeDone(store);
    for (const q of ['?format=xml', '?format=csv&table=findings', '?format=result&table=ports', '?format=csv&format=json']) {
      const res = await exportOf(id, q);
      expect(res.status, q).toBe(400);
      expect(ApiErrorSchema.parse(await res.json()).error.code).toBe('invalid_input');
    }
    const started = await runner.start('running.test', 'domain', 'k');
    if (!started.ok) throw new Error('did not start');
    const res = await exportOf(started.id, '?format=csv');
    expect(res.status).toBe(409);
    expect(res.headers.get('retry-after')).toBe('2');
    expect(ApiErrorSchema.parse(await res.json()).error.code).toBe('not_ready');
    gate.open();
  });
});

describe('badges', () => {
  it('show a finished check its verdict, cached for ever', async () => {
    const { store } = install();
    const id = await storeDone(store);
    const res = await checkBadge(`${id}.svg`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(res.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    expect(await badgeText(res)).toMatchObject({ value: 'problems found', color: '#cf222e' });
  });

  it('say "checking…" for a running check, uncached, and 404 for an unknown id or file name', async () => {
    const gate = createGate();
    const { runner } = install(createFakeEngine({ beforeEvent: (i) => (i === 2 ? gate.wait() : undefined) }));
    const started = await runner.start('running.test', 'domain', 'k');
    if (!started.ok) throw new Error('did not start');
    const running = await checkBadge(`${started.id}.svg`);
    expect(running.headers.get('cache-control')).toBe('no-cache');
    expect((await badgeText(running)).value).toBe('checking…');
    gate.open();

    for (const file of [`${newCheckId()}.svg`, 'nonsense.svg', `${started.id}.png`]) {
      const res = await checkBadge(file);
      expect(res.status, file).toBe(404);
      expect((await badgeText(res)).value).toBe('unknown check');
    }
  });

  it('show a domain the verdict of its last finished check, with a short cache', async () => {
    const { store } = install();
    await storeDone(store, SAMPLE_RESULT, Date.now() - 5 * DAY);
    const ok = { ...fakeResult(fakeTarget('example.test')), startedAt: '2026-03-05T08:00:00.000Z' };
    await storeDone(store, ok, Date.now() - DAY);
    const res = await domainBadge('Example.TEST.svg');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('public, max-age=300');
    expect(await badgeText(res)).toEqual({ value: 'all good', color: '#1a7f37', title: 'mail servers of example.test: all good (checked 5 Mar 2026)' });
  });

  it('say so when a domain has no finished check, or only one older than the set age; never probe', async () => {
    const engine = createFakeEngine();
    const { store } = install(engine);
    expect((await badgeText(await domainBadge('never.test.svg'))).value).toBe('not checked yet');
    await storeDone(store, { ...SAMPLE_RESULT, target: fakeTarget('old.test') }, Date.now() - 45 * DAY);
    const old = await badgeText(await domainBadge('old.test.svg'));
    expect(old).toMatchObject({ value: 'last check 45 days ago', color: '#6e7781' });
    expect(engine.runs).toHaveLength(0);
  });

  it('refuse what is not a domain name with a 400 badge', async () => {
    install();
    for (const file of ['not a domain.svg', 'localhost', '%ZZ.svg']) {
      const res = await domainBadge(file);
      expect(res.status, file).toBe(400);
      expect((await badgeText(res)).value).toBe('invalid domain');
    }
  });
});

describe('OpenAPI document', () => {
  it('is served as JSON that any site may fetch, and names itself OpenAPI 3.1', async () => {
    const res = await getOpenApi(new Request(`${BASE}/api/openapi.json`));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const doc = (await res.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toMatch(/^3\.1\./);
    expect(Object.keys(doc.paths)).toContain('/api/checks/{id}');
  });
});
