import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET as listChecks } from '@/app/api/domains/[domain]/checks/route';
import { GET as compare } from '@/app/api/domains/[domain]/compare/route';
import { setServicesForTests } from '@/lib/checks/get-runner';
import { createTokenBucketLimiter } from '@/lib/checks/rate-limit';
import { createRunner, type Runner } from '@/lib/checks/runner';
import { CompareResponseSchema, HistoryPageSchema } from '@/lib/history/schemas';
import { ApiErrorSchema } from '@/lib/http/api-schemas';
import { silentLogger } from '@/lib/probe/types';
import { newCheckId } from '@/lib/store/check-id';
import type { CheckStore } from '@/lib/store/check-store';
import { createSqliteStore } from '@/lib/store/sqlite-store';
import { createFakeEngine, fakeResult, fakeTarget } from '@/tests/fixtures/fake-engine';
import { SAMPLE_RESULT } from '@/tests/fixtures/sample-result';

let runner: Runner;
let store: CheckStore;
const ids: string[] = [];

beforeAll(async () => {
  store = createSqliteStore({ file: ':memory:' });
  runner = createRunner({ engine: createFakeEngine(), store, logger: silentLogger, maxConcurrent: 1, queueSize: 1, dedupeWindowMs: 0 });
  setServicesForTests({ runner, store, rateLimiter: createTokenBucketLimiter({ perMinute: 60, burst: 10 }), trustProxy: false, logger: silentLogger });
  const target = { ...SAMPLE_RESULT.target };
  for (let i = 0; i < 3; i++) {
    const id = newCheckId();
    await store.createCheck({ id, target, createdAt: 1_000 * (i + 1) });
    const result = structuredClone(SAMPLE_RESULT);
    if (i === 2) result.probes.find((p) => p.port === 465 && p.tls)!.tls!.version = 'TLSv1.2';
    await store.finishCheck(id, result, 1_000 * (i + 1) + 10);
    ids.push(id);
  }
  const other = newCheckId();
  await store.createCheck({ id: other, target: fakeTarget('other.test'), createdAt: 5 });
  await store.finishCheck(other, fakeResult(fakeTarget('other.test')), 6);
  ids.push(other);
});

afterAll(async () => {
  setServicesForTests(undefined);
  await runner.shutdown(0);
  await store.close();
});

const ctx = (domain: string) => ({ params: Promise.resolve({ domain }) });

describe('GET /api/domains/:domain/checks', () => {
  it('pages through the history with the cursor it hands out', async () => {
    const first = await listChecks(new Request('http://127.0.0.1/api/domains/Example.test/checks?limit=2'), ctx('Example.test'));
    expect(first.status).toBe(200);
    const page1 = HistoryPageSchema.parse(await first.json());
    expect(page1.domain).toBe('example.test');
    expect(page1.checks.map((c) => c.id)).toEqual([ids[2], ids[1]]);
    expect(page1.nextCursor).not.toBeNull();
    const second = await listChecks(new Request(`http://127.0.0.1/api/domains/example.test/checks?limit=2&cursor=${page1.nextCursor}`), ctx('example.test'));
    const page2 = HistoryPageSchema.parse(await second.json());
    expect(page2.checks.map((c) => c.id)).toEqual([ids[0]]);
    expect(page2.nextCursor).toBeNull();
  });

  it('answers 400 in the API error shape for a bad domain, cursor or limit', async () => {
    for (const [url, domain] of [
      ['http://127.0.0.1/api/domains/x/checks', 'not a domain!'],
      ['http://127.0.0.1/api/domains/example.test/checks?cursor=%%%', 'example.test'],
      ['http://127.0.0.1/api/domains/example.test/checks?limit=0', 'example.test'],
      ['http://127.0.0.1/api/domains/example.test/checks?limit=101', 'example.test'],
    ] as const) {
      const res = await listChecks(new Request(url), ctx(domain));
      expect(res.status, url).toBe(400);
      expect(ApiErrorSchema.parse(await res.json()).error.code).toBe('invalid_input');
    }
  });
});

describe('GET /api/domains/:domain/compare', () => {
  it('answers the change list in data and words, cacheable forever', async () => {
    const res = await compare(new Request(`http://127.0.0.1/api/domains/example.test/compare?from=${ids[1]}&to=${ids[2]}`), ctx('example.test'));
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toContain('immutable');
    const body = CompareResponseSchema.parse(await res.json());
    expect(body.changes).toEqual([expect.objectContaining({ kind: 'tls-version', port: 465, from: 'TLSv1.3', to: 'TLSv1.2' })]);
    expect(body.text[0]!.text).toBe('TLS version TLS 1.3 → TLS 1.2');
  });

  it('refuses checks of another domain (404), unknown ids (404) and non-ids (400)', async () => {
    const cross = await compare(new Request(`http://127.0.0.1/api/domains/example.test/compare?from=${ids[3]}&to=${ids[2]}`), ctx('example.test'));
    expect(cross.status).toBe(400);
    const unknown = await compare(new Request(`http://127.0.0.1/api/domains/example.test/compare?from=${newCheckId()}&to=${ids[2]}`), ctx('example.test'));
    expect(unknown.status).toBe(404);
    const otherDomain = await compare(new Request(`http://127.0.0.1/api/domains/x.test/compare?from=${ids[1]}&to=${ids[2]}`), ctx('x.test'));
    expect(otherDomain.status).toBe(404);
    const bad = await compare(new Request('http://127.0.0.1/api/domains/example.test/compare?from=1&to=2'), ctx('example.test'));
    expect(bad.status).toBe(400);
  });
});
