import { afterEach, describe, expect, it, vi } from 'vitest';
import { createRunner, type Runner } from '@/lib/checks/runner';
import { createMetricsObserver } from '@/lib/observability/check-metrics';
import { createMetrics } from '@/lib/observability/metrics';
import { timeStore } from '@/lib/observability/timed-store';
import { silentLogger } from '@/lib/probe/types';
import type { CheckStore } from '@/lib/store/check-store';
import { createSqliteStore } from '@/lib/store/sqlite-store';
import { createFakeEngine } from '@/tests/fixtures/fake-engine';
import { histograms, labelValues, parseExposition, samples, total, type PromMetrics } from '@/tests/fixtures/prometheus-text';

const runners: Runner[] = [];
const stores: CheckStore[] = [];
afterEach(async () => {
  for (const r of runners.splice(0)) await r.shutdown(0);
  for (const s of stores.splice(0)) await s.close();
});

async function scrape(m: ReturnType<typeof createMetrics>): Promise<PromMetrics> {
  return parseExposition(await m.registry.metrics());
}

/** Until the check's stream ends and the runner has reported its end (just after). */
async function until(runner: Runner, id: string, metrics: ReturnType<typeof createMetrics>, finished: number): Promise<void> {
  await new Promise<void>((resolve) => runner.subscribe(id, 0, { event() {}, end: () => resolve() }));
  await vi.waitFor(async () => expect(total(await scrape(metrics), 'mxray_checks_finished_total')).toBe(finished));
}

describe('check metrics from the runner', () => {
  it('counts checks, probes, stages, DNS questions and store latency, with role and vantage, and no domain in any label', async () => {
    const metrics = createMetrics({ role: 'web', vantage: 'eu-1', processMetrics: false });
    const store = timeStore(createSqliteStore({ file: ':memory:' }), metrics);
    stores.push(store);
    const runner = createRunner({
      engine: createFakeEngine(),
      store,
      logger: silentLogger,
      maxConcurrent: 2,
      queueSize: 2,
      dedupeWindowMs: 0,
      observers: [createMetricsObserver(metrics)],
    });
    runners.push(runner);
    metrics.bindRunner(() => runner.stats());
    let n = 0;
    for (const domain of ['alpha.test', 'beta.test']) {
      const started = await runner.start(domain, 'domain', 'client');
      if (!started.ok) throw new Error('not started');
      await until(runner, started.id, metrics, ++n);
    }
    const f = await scrape(metrics);

    expect(samples(f, 'mxray_checks_started_total')).toEqual([{ labels: { mode: 'domain', role: 'web', vantage: 'eu-1' }, value: 2 }]);
    const finished = samples(f, 'mxray_checks_finished_total');
    expect(finished.every((s) => s.labels.status === 'done' && s.labels.verdict !== 'none')).toBe(true);
    expect(histograms(f, 'mxray_check_duration_seconds', { status: 'done' })[0]!.count).toBe(2);

    const probes = samples(f, 'mxray_port_probes_total');
    expect(total(f, 'mxray_port_probes_total')).toBeGreaterThan(0);
    expect(probes.every((s) => ['25', '465', '587', '2525'].includes(s.labels.port!))).toBe(true);
    const stages = new Set(histograms(f, 'mxray_probe_stage_duration_seconds').map((s) => s.labels.stage));
    expect(stages).toContain('total');
    expect(stages).toContain('connect');
    expect(total(f, 'mxray_dns_questions_total', { type: 'MX' })).toBe(2);

    const ops = new Set(histograms(f, 'mxray_store_operation_duration_seconds').map((s) => `${s.labels.operation}:${s.labels.kind}`));
    expect(ops).toContain('appendEvent:write');
    expect(ops).toContain('createCheck:write');
    expect(ops).toContain('findRecent:read');
    expect(total(f, 'mxray_checks_running')).toBe(0);

    for (const { metric, value } of labelValues(f)) expect(value, metric).not.toMatch(/\.test$|alpha|beta|mx\./);
  });

  it('records an interrupted check as interrupted, verdict none', async () => {
    const metrics = createMetrics({ role: 'web', vantage: 'default', processMetrics: false });
    const store = createSqliteStore({ file: ':memory:' });
    stores.push(store);
    const runner = createRunner({
      engine: createFakeEngine({ failAt: 2 }),
      store,
      logger: silentLogger,
      maxConcurrent: 1,
      queueSize: 1,
      dedupeWindowMs: 0,
      observers: [createMetricsObserver(metrics)],
    });
    runners.push(runner);
    const started = await runner.start('broken.test', 'domain', 'client');
    if (!started.ok) throw new Error('not started');
    await until(runner, started.id, metrics, 1);
    const f = await scrape(metrics);
    expect(samples(f, 'mxray_checks_finished_total')).toEqual([
      { labels: { mode: 'domain', status: 'interrupted', verdict: 'none', role: 'web', vantage: 'default' }, value: 1 },
    ]);
  });

  it('times a failing store operation as an error and still throws it', async () => {
    const metrics = createMetrics({ role: 'web', vantage: 'default', processMetrics: false });
    const store = timeStore(createSqliteStore({ file: ':memory:' }), metrics);
    await store.close();
    await expect(store.getCheck('nope')).rejects.toThrow();
    const f = await scrape(metrics);
    expect(histograms(f, 'mxray_store_operation_duration_seconds')).toMatchObject([
      { labels: { operation: 'getCheck', kind: 'read', outcome: 'error' }, count: 1 },
    ]);
  });

  it('includes Node process metrics (event-loop lag, heap, GC) when asked', async () => {
    const metrics = createMetrics({ role: 'web', vantage: 'default' });
    const f = await scrape(metrics);
    for (const name of ['nodejs_eventloop_lag_seconds', 'nodejs_heap_size_used_bytes', 'nodejs_gc_duration_seconds', 'process_cpu_seconds_total']) {
      expect(f[name], name).toBeDefined();
    }
  });
});
