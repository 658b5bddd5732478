import { context, trace } from '@opentelemetry/api';
import { describe, expect, it, vi } from 'vitest';
import { useMemoryTracer } from '@/tests/fixtures/memory-tracer';
import { createRunner } from '@/lib/checks/runner';
import { createTracingObserver } from '@/lib/observability/check-tracing';
import { captureTraceContext, restoreTraceContext } from '@/lib/observability/trace-context';
import { silentLogger } from '@/lib/probe/types';
import { createSqliteStore } from '@/lib/store/sqlite-store';
import { createFakeEngine } from '@/tests/fixtures/fake-engine';

const exporter = useMemoryTracer();

describe('check spans from the runner', () => {
  it('puts the check under the requesting span, and one probe span per port probe under the check, stages as events', async () => {
    const store = createSqliteStore({ file: ':memory:' });
    const runner = createRunner({
      engine: createFakeEngine(),
      store,
      logger: silentLogger,
      maxConcurrent: 1,
      queueSize: 1,
      dedupeWindowMs: 0,
      observers: [createTracingObserver()],
    });
    const request = trace.getTracer('test').startSpan('POST /api/checks');
    const started = await context.with(trace.setSpan(context.active(), request), () => runner.start('traced.test', 'domain', 'client'));
    request.end();
    if (!started.ok) throw new Error('not started');
    await vi.waitFor(() => expect(exporter.getFinishedSpans().some((s) => s.name === 'mxray.check')).toBe(true));

    const spans = exporter.getFinishedSpans();
    const check = spans.find((s) => s.name === 'mxray.check')!;
    expect(check.spanContext().traceId).toBe(request.spanContext().traceId);
    expect(check.parentSpanContext?.spanId).toBe(request.spanContext().spanId);
    expect(check.attributes['mxray.check.id']).toBe(started.id);
    expect(check.attributes['mxray.check.verdict']).toBe('ok');

    const probes = spans.filter((s) => s.name === 'mxray.probe');
    expect(probes.map((p) => p.attributes['server.port']).sort()).toEqual([25, 2525, 465, 587]);
    for (const p of probes) {
      expect(p.parentSpanContext?.spanId).toBe(check.spanContext().spanId);
      expect(p.events.map((e) => e.name)).toEqual(['connect']);
    }
    const dns = spans.find((s) => s.name === 'mxray.dns')!;
    expect(dns.parentSpanContext?.spanId).toBe(check.spanContext().spanId);
    const phases = spans.filter((s) => s.parentSpanContext?.spanId === dns.spanContext().spanId).map((s) => s.name);
    expect(phases.sort()).toEqual(['mxray.dns.addresses', 'mxray.dns.mx']);

    await runner.shutdown(0);
    await store.close();
  });

  it('carries trace context as W3C headers a job payload can hold', () => {
    const span = trace.getTracer('test').startSpan('enqueue');
    const carrier = captureTraceContext(trace.setSpan(context.active(), span));
    span.end();
    expect(carrier?.traceparent).toMatch(new RegExp(`^00-${span.spanContext().traceId}-${span.spanContext().spanId}-0[01]$`));
    const restored = trace.getSpanContext(restoreTraceContext(JSON.parse(JSON.stringify(carrier))));
    expect(restored?.traceId).toBe(span.spanContext().traceId);
    expect(restoreTraceContext(undefined)).toBeDefined();
  });
});
