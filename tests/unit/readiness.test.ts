import { afterEach, describe, expect, it } from 'vitest';
import { combineObservers } from '@/lib/checks/check-observer';
import { isShuttingDown, markShuttingDown, readiness } from '@/lib/checks/readiness';
import { createRunner, type Runner } from '@/lib/checks/runner';
import { createCheckQueries, type CheckQueries } from '@/lib/checks/check-queries';
import { silentLogger, type ProbeLogger } from '@/lib/probe/types';
import { createSqliteStore } from '@/lib/store/sqlite-store';
import { createFakeEngine } from '@/tests/fixtures/fake-engine';

const g = globalThis as { __mxrayShuttingDown?: boolean };
afterEach(() => {
  g.__mxrayShuttingDown = undefined;
});

function setup(): { runner: Runner; queries: CheckQueries; store: ReturnType<typeof createSqliteStore> } {
  const store = createSqliteStore({ file: ':memory:' });
  const runner = createRunner({ engine: createFakeEngine(), store, logger: silentLogger, maxConcurrent: 1, queueSize: 1, dedupeWindowMs: 0 });
  return { runner, queries: createCheckQueries(store), store };
}

describe('readiness', () => {
  it('is ready with a writable store and an accepting runner', async () => {
    const s = setup();
    expect(await readiness(s)).toEqual({ ready: true, checks: { shutdown: 'running', runner: 'accepting', store: 'ok' } });
    await s.runner.shutdown(0);
    await s.store.close();
  });

  it('flips on the shutdown mark before the runner has stopped anything', async () => {
    const s = setup();
    markShuttingDown();
    expect(isShuttingDown()).toBe(true);
    const r = await readiness(s);
    expect(r).toEqual({ ready: false, checks: { shutdown: 'shutting-down', runner: 'accepting', store: 'ok' } });
    await s.runner.shutdown(0);
    expect((await readiness(s)).checks.runner).toBe('closed');
    await s.store.close();
  });

  it('is not ready when the store cannot take a write, or the services did not start', async () => {
    const s = setup();
    await s.runner.shutdown(0);
    await s.store.close();
    expect((await readiness(s)).checks.store).toBe('error');
    expect(await readiness(undefined)).toEqual({ ready: false, checks: { shutdown: 'running', runner: 'error', store: 'error' } });
  });
});

describe('check observers', () => {
  it('a throwing observer is logged and never reaches the check', async () => {
    const warned: unknown[] = [];
    const logger: ProbeLogger = { ...silentLogger, warn: (o) => warned.push(o) };
    const seen: string[] = [];
    const observer = combineObservers(
      [
        { started: () => { throw new Error('observer bug'); }, accepted: () => ({ traceparent: 'x' }) },
        { started: (id) => seen.push(id), accepted: () => ({ tracestate: 'y' }) },
      ],
      logger,
    );
    observer.started('c1', { input: 'a.test', mode: 'domain', domain: 'a.test', displayDomain: 'a.test' }, undefined);
    expect(seen).toEqual(['c1']);
    expect(warned).toHaveLength(1);
    expect(observer.accepted('c1', { input: 'a.test', mode: 'domain', domain: 'a.test', displayDomain: 'a.test' })).toEqual({ traceparent: 'x', tracestate: 'y' });
  });
});
