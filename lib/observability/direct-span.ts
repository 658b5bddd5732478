/**
 * The SERVER span of a request the production server answers beside Next's router
 * (lib/http/direct-route.ts). Next gives every request it serves one (base-server.js: the caller's
 * W3C trace context extracted from the headers, a span named after the method and route, its
 * status code at the end); a direct request gets the same, so traced deployments keep the fast path
 * and a check's spans still hang under the request that asked for it (check-tracing.ts captures the
 * active context in runner.start). The span ends when the answer is written: for an event stream,
 * when it opens (the stream itself lives as long as the check, not the request's work).
 */
import type { IncomingMessage } from 'node:http';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, context, propagation, trace } from '@opentelemetry/api';

/** Next's tracer name (next/dist/server/lib/trace/tracer.js), so both kinds of request look alike. */
const TRACER = 'next.js';
/** Next's span type of a whole request (BaseServerSpan.handleRequest). */
const HANDLE_REQUEST = 'BaseServer.handleRequest';

/** Runs `serve` (which resolves with the status it wrote) inside a SERVER span for the request. */
export async function inServerSpan(req: IncomingMessage, route: string, serve: () => Promise<number>): Promise<void> {
  const method = req.method ?? 'GET';
  const name = `${method} ${route}`;
  // The default getter reads Node's lower-case header object as it is.
  const parent = propagation.extract(ROOT_CONTEXT, req.headers);
  const span = trace.getTracer(TRACER).startSpan(
    name,
    {
      kind: SpanKind.SERVER,
      attributes: {
        'http.method': method,
        'http.target': req.url ?? '/',
        'http.route': route,
        'next.route': route,
        'next.span_name': name,
        'next.span_type': HANDLE_REQUEST,
        'next.rsc': false,
      },
    },
    parent,
  );
  try {
    const status = await context.with(trace.setSpan(parent, span), serve);
    span.setAttribute('http.status_code', status);
    if (status >= 500) {
      // x-ref: https://opentelemetry.io/docs/specs/semconv/http/http-spans/#status (as Next does)
      span.setStatus({ code: SpanStatusCode.ERROR });
      span.setAttribute('error.type', String(status));
    }
  } finally {
    span.end();
  }
}
