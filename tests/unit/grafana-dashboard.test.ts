import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createMetrics } from '@/lib/observability/metrics';

const dashboard = JSON.parse(readFileSync(new URL('../../deploy/grafana/mxray.json', import.meta.url), 'utf8')) as {
  panels: { type: string; title: string; targets?: { expr: string }[] }[];
  templating: { list: { name: string; query?: unknown }[] };
};

function exprs(): string[] {
  const vars = dashboard.templating.list.map((v) => (typeof v.query === 'object' && v.query ? (v.query as { query: string }).query : ''));
  return [...dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr)), ...vars];
}

describe('Grafana dashboard', () => {
  it('queries only series the process exposes (histograms through their _bucket/_sum/_count)', async () => {
    const metrics = createMetrics({ role: 'web', vantage: 'default' });
    const known = new Set((await metrics.registry.getMetricsAsJSON()).map((m) => m.name));
    const used = new Set(exprs().flatMap((e) => e.match(/\b(?:mxray|nodejs|process)_[a-z0-9_]+/g) ?? []));
    expect(used.size).toBeGreaterThan(10);
    for (const name of used) {
      const base = name.replace(/_(bucket|sum|count)$/, '');
      expect(known.has(name) || known.has(base), name).toBe(true);
    }
  });

  it('filters every mxray panel by role and vantage, and has a panel per alert the README names', () => {
    for (const p of dashboard.panels.filter((p) => p.targets)) {
      for (const t of p.targets!) expect(t.expr, p.title).toContain('vantage=~"$vantage"');
    }
    const titles = dashboard.panels.map((p) => p.title);
    for (const t of ['Checks queued', 'Event-loop lag', 'Timeouts share by vantage']) expect(titles).toContain(t);
  });
});
