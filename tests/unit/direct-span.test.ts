/**
 * The SERVER span of a request answered beside Next's router (lib/observability/direct-span.ts):
 * in the caller's W3C trace, named and described as Next names its own, ended with the status the
 * answer had, and the active span while the route's core runs (so the check's span hangs under it).
 */
import type { IncomingMessage } from 'node:http';
import { trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { useMemoryTracer } from '@/tests/fixtures/memory-tracer';
import { inServerSpan } from '@/lib/observability/direct-span';

const exporter = useMemoryTracer();

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT = '00f067aa0ba902b7';
const req = (headers: Record<string, string>) => ({ method: 'POST', url: '/api/checks?x=1', headers }) as unknown as IncomingMessage;

describe('the direct path’s request span', () => {
  it('joins the caller’s trace as a SERVER span, active while the core runs, with Next’s name and attributes', async () => {
    exporter.reset();
    let inside: string | undefined;
    await inServerSpan(req({ traceparent: `00-${TRACE_ID}-${PARENT}-01` }), '/api/checks', async () => {
      await new Promise((r) => setTimeout(r, 1));
      inside = trace.getActiveSpan()?.spanContext().spanId;
      return 201;
    });
    const [span] = exporter.getFinishedSpans();
    expect(span).toBeDefined();
    expect(span!.spanContext().traceId).toBe(TRACE_ID);
    expect(span!.parentSpanContext?.spanId).toBe(PARENT);
    expect(span!.kind).toBe(1); // SpanKind.SERVER
    expect(span!.name).toBe('POST /api/checks');
    expect(inside).toBe(span!.spanContext().spanId);
    expect(span!.attributes).toMatchObject({ 'http.method': 'POST', 'http.target': '/api/checks?x=1', 'http.route': '/api/checks', 'http.status_code': 201 });
    expect(span!.status.code).toBe(0);
  });

  it('starts a trace of its own without a traceparent, and marks a 5xx answer as an error', async () => {
    exporter.reset();
    await inServerSpan(req({}), '/api/checks', async () => 503);
    const [span] = exporter.getFinishedSpans();
    expect(span!.parentSpanContext).toBeUndefined();
    expect(span!.attributes['http.status_code']).toBe(503);
    expect(span!.status.code).toBe(2); // SpanStatusCode.ERROR
    expect(span!.attributes['error.type']).toBe('503');
  });
});
