/**
 * Refusals counted where the API answers them: 429 (rate limit) and 503 (saturated: every slot and
 * queue place taken, or shutting down), through the real POST /api/checks handler and runner.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { POST as postCheck } from '@/app/api/checks/route';
import { setServicesForTests } from '@/lib/checks/get-runner';
import { createTokenBucketLimiter } from '@/lib/checks/rate-limit';
import { createRunner } from '@/lib/checks/runner';
import { getMetrics } from '@/lib/observability/metrics';
import { silentLogger } from '@/lib/probe/types';
import { createSqliteStore } from '@/lib/store/sqlite-store';
import { createFakeEngine } from '@/tests/fixtures/fake-engine';
import { parseExposition, total } from '@/tests/fixtures/prometheus-text';

const metrics = getMetrics(() => ({ role: 'web', vantage: 'test', processMetrics: false }));
const store = createSqliteStore({ file: ':memory:' });
// Held checks: the first takes the only slot, the second the only queue place.
const runner = createRunner({
  engine: createFakeEngine({ beforeEvent: () => new Promise(() => {}) }),
  store,
  logger: silentLogger,
  maxConcurrent: 1,
  queueSize: 1,
  dedupeWindowMs: 0,
});
setServicesForTests({ runner, store, rateLimiter: createTokenBucketLimiter({ perMinute: 1, burst: 4 }), trustProxy: false, logger: silentLogger });

afterAll(async () => {
  setServicesForTests(undefined);
  await runner.shutdown(0);
  await store.close();
});

const post = (domain: string) =>
  postCheck(new Request('http://127.0.0.1/api/checks', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ domain }) }));

const count = async (name: string, labels: Record<string, string> = {}) => total(await parseExposition(await metrics.registry.metrics()), name, labels);

describe('refusal metrics', () => {
  it('counts saturated answers (busy, then shutting down) and rate-limit refusals', async () => {
    expect((await post('one.test')).status).toBe(201);
    expect((await post('two.test')).status).toBe(201);
    expect((await post('three.test')).status).toBe(503);
    expect(await count('mxray_saturated_total', { reason: 'busy' })).toBe(1);

    void runner.shutdown(0);
    expect((await post('four.test')).status).toBe(503);
    expect(await count('mxray_saturated_total', { reason: 'shutting_down' })).toBe(1);

    // The bucket held 4; all are spent.
    expect((await post('five.test')).status).toBe(429);
    expect(await count('mxray_rate_limited_total', { route: 'POST /api/checks', reason: 'rate' })).toBe(1);
  });
});
