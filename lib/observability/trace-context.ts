/**
 * Trace context across a queue: capture it where a check is requested, restore it where the check
 * runs. Embedded mode keeps the carrier in memory; scaled mode (BullMQ) puts it in the job's data,
 * and the worker restores it, so the worker's spans join the web request's trace.
 * W3C Trace Context (traceparent/tracestate) through whatever propagator is registered; with
 * tracing off the carrier is empty and restoring it yields the root context.
 */
import { ROOT_CONTEXT, context, propagation, type Context } from '@opentelemetry/api';
import type { TraceCarrier } from '@/lib/checks/check-observer';

export function captureTraceContext(from: Context = context.active()): TraceCarrier | undefined {
  const carrier: TraceCarrier = {};
  propagation.inject(from, carrier);
  return Object.keys(carrier).length > 0 ? carrier : undefined;
}

export function restoreTraceContext(carrier: TraceCarrier | undefined): Context {
  return carrier ? propagation.extract(ROOT_CONTEXT, carrier) : ROOT_CONTEXT;
}
