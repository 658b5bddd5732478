/**
 * SSE viewer caps through the real route handler: per check and per client answered 429, overall
 * 503, in the API's one error shape; a closed stream gives its place back.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { POST as postCheck } from '@/app/api/checks/route';
import { GET as getEvents } from '@/app/api/checks/[id]/events/route';
import { setServicesForTests } from '@/lib/checks/get-runner';
import { createTokenBucketLimiter } from '@/lib/checks/rate-limit';
import { createRunner } from '@/lib/checks/runner';
import { createViewerLimiter, type ViewerCaps } from '@/lib/checks/viewer-limits';
import { ApiErrorSchema, CreateCheckResponseSchema } from '@/lib/http/api-schemas';
import { silentLogger } from '@/lib/probe/types';
import { createSqliteStore } from '@/lib/store/sqlite-store';
import { createFakeEngine } from '@/tests/fixtures/fake-engine';

const BASE = 'http://127.0.0.1';
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  setServicesForTests(undefined);
  for (const c of cleanups.splice(0).reverse()) await c();
});

function install(caps: ViewerCaps) {
  const store = createSqliteStore({ file: ':memory:' });
  // Checks that never end, so every stream stays open.
  const runner = createRunner({
    engine: createFakeEngine({ beforeEvent: (i) => (i >= 1 ? new Promise(() => {}) : undefined) }),
    store,
    logger: silentLogger,
    maxConcurrent: 8,
    queueSize: 8,
    dedupeWindowMs: 60_000,
  });
  cleanups.push(async () => {
    await runner.shutdown(0);
    await store.close();
  });
  const viewers = createViewerLimiter(caps);
  setServicesForTests({
    runner,
    store,
    rateLimiter: createTokenBucketLimiter({ perMinute: 60, burst: 1_000 }),
    trustProxy: false,
    viewers,
    logger: silentLogger,
  });
  return viewers;
}

async function start(domain: string): Promise<string> {
  const res = await postCheck(
    new Request(`${BASE}/api/checks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-mxray-client': '203.0.113.1' },
      body: JSON.stringify({ domain }),
    }),
  );
  return CreateCheckResponseSchema.parse(await res.json()).id;
}

function view(id: string, client: string, signal?: AbortSignal) {
  return getEvents(new Request(`${BASE}/api/checks/${id}/events`, { headers: { 'x-mxray-client': client }, ...(signal ? { signal } : {}) }), {
    params: Promise.resolve({ id }),
  });
}

describe('SSE viewer caps', () => {
  it('refuses a viewer beyond the per-check cap with 429, and lets one in when another leaves', async () => {
    const viewers = install({ perCheck: 2, perClient: 100, total: 100 });
    const id = await start('a.test');
    const first = new AbortController();
    expect((await view(id, '198.51.100.1', first.signal)).status).toBe(200);
    expect((await view(id, '198.51.100.2')).status).toBe(200);
    const refused = await view(id, '198.51.100.3');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).not.toBeNull();
    expect(ApiErrorSchema.parse(await refused.json()).error).toMatchObject({ code: 'rate_limited', message: expect.stringContaining('this check') });
    first.abort();
    expect(viewers.stats().total).toBe(1);
    expect((await view(id, '198.51.100.3')).status).toBe(200);
  });

  it('refuses a client beyond its own cap with 429, whatever check it asks for', async () => {
    install({ perCheck: 100, perClient: 2, total: 100 });
    const [a, b, c] = [await start('a.test'), await start('b.test'), await start('c.test')];
    expect((await view(a, '198.51.100.9')).status).toBe(200);
    expect((await view(b, '198.51.100.9')).status).toBe(200);
    const refused = await view(c, '198.51.100.9');
    expect(refused.status).toBe(429);
    expect(ApiErrorSchema.parse(await refused.json()).error.message).toContain('your address');
    expect((await view(c, '198.51.100.10')).status).toBe(200);
  });

  it('answers 503 once the server-wide cap is reached', async () => {
    install({ perCheck: 100, perClient: 100, total: 2 });
    const id = await start('a.test');
    expect((await view(id, '198.51.100.1')).status).toBe(200);
    expect((await view(id, '198.51.100.2')).status).toBe(200);
    const refused = await view(id, '198.51.100.3');
    expect(refused.status).toBe(503);
    expect(ApiErrorSchema.parse(await refused.json()).error.code).toBe('saturated');
  });
});
