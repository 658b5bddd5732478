import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET as checkPreview } from '@/app/og/check/[id]/route';
import { GET as domainPreview } from '@/app/og/domain/[domain]/route';
import { setServicesForTests } from '@/lib/checks/get-runner';
import { createTokenBucketLimiter } from '@/lib/checks/rate-limit';
import { createRunner, type Runner } from '@/lib/checks/runner';
import { createPreviewCache, previewCache } from '@/lib/og/preview-cache';
import { PREVIEW_MAX_ROWS, previewModel } from '@/lib/og/preview-model';
import { silentLogger } from '@/lib/probe/types';
import { newCheckId } from '@/lib/store/check-id';
import type { CheckStore } from '@/lib/store/check-store';
import { createSqliteStore } from '@/lib/store/sqlite-store';
import { createFakeEngine } from '@/tests/fixtures/fake-engine';
import { SAMPLE_RESULT } from '@/tests/fixtures/sample-result';

/** Width and height from a PNG's IHDR chunk (bytes 16..24), after checking the signature. */
function pngSize(buf: ArrayBuffer): { width: number; height: number } {
  const b = Buffer.from(buf);
  expect(b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

describe('preview model', () => {
  it('shows the verdict and each host × address with the four ports, statuses from the interpretation layer', () => {
    const m = previewModel(SAMPLE_RESULT);
    expect(m.domain).toBe('example.test');
    expect(m.verdict).toEqual({ label: 'Problems found', tone: 'bad' });
    expect(m.rows).toHaveLength(PREVIEW_MAX_ROWS);
    expect(m.moreRows).toBe(0);
    const first = m.rows[0]!;
    expect(first).toMatchObject({ host: 'mx1.example.test', address: '192.0.2.10' });
    expect(first.ports.map((p) => `${p.port}:${p.label}`)).toEqual(['25:OK', '465:OK', '587:Critical', '2525:Closed']);
  });

  it('counts the rows it cannot fit instead of dropping them silently', () => {
    const r = structuredClone(SAMPLE_RESULT);
    r.dns.hosts[0]!.addresses.push({ address: '192.0.2.99', family: 4, policy: { allowed: true } });
    expect(previewModel(r).moreRows).toBe(1);
  });
});

describe('preview cache', () => {
  it('keeps at most max entries, evicting the least recently used', () => {
    const c = createPreviewCache(2);
    const v = new ArrayBuffer(1);
    c.set('a', v);
    c.set('b', v);
    c.get('a');
    c.set('c', v);
    expect(c.get('b')).toBeUndefined();
    expect(c.get('a')).toBe(v);
    expect(c.size).toBe(2);
  });
});

describe('preview image routes', () => {
  let runner: Runner;
  let store: CheckStore;
  const done = newCheckId();
  const running = newCheckId();
  beforeAll(async () => {
    store = createSqliteStore({ file: ':memory:' });
    runner = createRunner({ engine: createFakeEngine(), store, logger: silentLogger, maxConcurrent: 1, queueSize: 1, dedupeWindowMs: 0 });
    setServicesForTests({ runner, store, rateLimiter: createTokenBucketLimiter({ perMinute: 60, burst: 10 }), trustProxy: false, logger: silentLogger });
    await store.createCheck({ id: done, target: SAMPLE_RESULT.target, createdAt: 1_000 });
    await store.finishCheck(done, SAMPLE_RESULT, 2_000);
    await store.createCheck({ id: running, target: SAMPLE_RESULT.target, createdAt: 3_000 });
  });
  afterAll(async () => {
    setServicesForTests(undefined);
    await runner.shutdown(0);
    await store.close();
  });

  it('renders a finished check once as an immutable 1200×630 PNG and serves it from the cache after', async () => {
    const ctx = { params: Promise.resolve({ id: done }) };
    const res = await checkPreview(new Request(`http://127.0.0.1/og/check/${done}`), ctx);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const png = await res.arrayBuffer();
    expect(pngSize(png)).toEqual({ width: 1200, height: 630 });
    expect(previewCache.get(done)).toBeDefined();
    const again = await checkPreview(new Request(`http://127.0.0.1/og/check/${done}`), { params: Promise.resolve({ id: done }) });
    expect(Buffer.from(await again.arrayBuffer()).equals(Buffer.from(png))).toBe(true);
  }, 60_000);

  it('never caches the preview of a running check, and answers 404 for an unknown one', async () => {
    const res = await checkPreview(new Request(`http://127.0.0.1/og/check/${running}`), { params: Promise.resolve({ id: running }) });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(pngSize(await res.arrayBuffer()).width).toBe(1200);
    expect(previewCache.get(running)).toBeUndefined();
    const unknown = newCheckId();
    expect((await checkPreview(new Request('http://127.0.0.1/og/check/x'), { params: Promise.resolve({ id: unknown }) })).status).toBe(404);
  }, 60_000);

  it('previews a domain by its last finished check, briefly cached', async () => {
    const res = await domainPreview(new Request('http://127.0.0.1/og/domain/example.test'), { params: Promise.resolve({ domain: 'example.test' }) });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-check-id')).toBe(done);
    expect(res.headers.get('cache-control')).toBe('public, max-age=300');
  }, 60_000);
});
