/**
 * The liveness and readiness routes through their real handlers, with the real runner and SQLite
 * store behind them (the fake engine: nothing is probed).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { GET as getLive } from '@/app/api/health/live/route';
import { GET as getReady } from '@/app/api/health/ready/route';
import { setServicesForTests } from '@/lib/checks/get-runner';
import { createTokenBucketLimiter } from '@/lib/checks/rate-limit';
import { createRunner } from '@/lib/checks/runner';
import { LivenessResponseSchema, ReadinessResponseSchema } from '@/lib/http/api-schemas';
import { silentLogger } from '@/lib/probe/types';
import { createSqliteStore } from '@/lib/store/sqlite-store';
import { createFakeEngine } from '@/tests/fixtures/fake-engine';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
  setServicesForTests(undefined);
  (globalThis as { __mxrayShuttingDown?: boolean }).__mxrayShuttingDown = undefined;
});

function install() {
  const store = createSqliteStore({ file: ':memory:' });
  const runner = createRunner({ engine: createFakeEngine(), store, logger: silentLogger, maxConcurrent: 2, queueSize: 2, dedupeWindowMs: 0 });
  cleanups.push(async () => {
    await runner.shutdown(0);
    await store.close();
  });
  setServicesForTests({ runner, store, rateLimiter: createTokenBucketLimiter({ perMinute: 60, burst: 10 }), trustProxy: false, logger: silentLogger });
  return { runner, store };
}

async function ready() {
  const res = await getReady();
  expect(res.headers.get('cache-control')).toBe('no-store');
  return { status: res.status, body: ReadinessResponseSchema.parse(await res.json()) };
}

describe('GET /api/health/live', () => {
  it('answers 200 whatever the store does', async () => {
    const { store } = install();
    await store.close();
    const res = await getLive();
    expect(res.status).toBe(200);
    expect(LivenessResponseSchema.parse(await res.json())).toEqual({ status: 'ok' });
  });
});

describe('GET /api/health/ready', () => {
  it('answers 200 with a writable store and an accepting runner', async () => {
    install();
    expect(await ready()).toEqual({ status: 200, body: { status: 'ready', checks: { shutdown: 'running', runner: 'accepting', store: 'ok' } } });
  });

  it('answers 503 naming the store when it cannot take a write', async () => {
    const { store } = install();
    await store.close();
    expect(await ready()).toEqual({ status: 503, body: { status: 'not-ready', checks: { shutdown: 'running', runner: 'accepting', store: 'error' } } });
  });

  it('answers 503 once shutdown has begun, and the runner closed after it', async () => {
    const { runner } = install();
    const { markShuttingDown } = await import('@/lib/checks/readiness');
    markShuttingDown();
    expect((await ready()).body.checks).toEqual({ shutdown: 'shutting-down', runner: 'accepting', store: 'ok' });
    await runner.shutdown(0);
    expect(await ready()).toMatchObject({ status: 503, body: { status: 'not-ready', checks: { runner: 'closed' } } });
  });
});
