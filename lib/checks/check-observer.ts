/**
 * What the runner tells observers (metrics, traces) about the checks it runs. The engine already
 * reports every stage as an event; the runner forwards those, plus the moments only it knows
 * (accepted, left the queue, ended). Observers live outside lib/probe and lib/checks
 * (lib/observability), so neither the engine nor the runner knows about Prometheus or OpenTelemetry.
 *
 * An observer must never disturb a check: every call is guarded, a throwing observer is logged once
 * per call and otherwise ignored.
 */
import type { CheckEvent, CheckInput, CheckResult } from '@/lib/probe/schema';
import type { ProbeLogger } from '@/lib/probe/types';

/**
 * Trace context in W3C form (traceparent, tracestate), captured where the check was requested. In
 * embedded mode it stays in memory; in scaled mode it travels in the job payload so the worker's
 * spans join the web request's trace.
 */
export type TraceCarrier = Record<string, string>;

export interface CheckEnd {
  status: 'done' | 'interrupted';
  /** why an interrupted check stopped (shutdown, restart, engine-error) */
  reason?: string;
  result?: CheckResult;
  /** whether the check ever left the queue (a queued check interrupted at shutdown did not) */
  ran: boolean;
  /** ms from leaving the queue to the end (0 when it never ran) */
  durationMs: number;
}

export interface CheckObserver {
  /** A new check was accepted; called in the requesting context. Returns the context to carry. */
  accepted?(id: string, target: CheckInput): TraceCarrier | undefined;
  /** The check left the queue and its engine starts now. */
  started?(id: string, target: CheckInput, carrier: TraceCarrier | undefined): void;
  /** Each engine event, after it is stored. */
  event?(id: string, event: CheckEvent): void;
  ended?(id: string, target: CheckInput, end: CheckEnd): void;
}

/** Several observers as one; each call guarded so an observer's bug never reaches a check. */
export function combineObservers(observers: CheckObserver[], logger: ProbeLogger): Required<CheckObserver> {
  const guard = <T>(what: string, fn: () => T): T | undefined => {
    try {
      return fn();
    } catch (err) {
      logger.warn({ err, observer: what }, 'check observer failed');
      return undefined;
    }
  };
  return {
    accepted(id, target) {
      let carrier: TraceCarrier | undefined;
      for (const o of observers) {
        const c = o.accepted && guard('accepted', () => o.accepted!(id, target));
        if (c) carrier = { ...carrier, ...c };
      }
      return carrier;
    },
    started(id, target, carrier) {
      for (const o of observers) if (o.started) guard('started', () => o.started!(id, target, carrier));
    },
    event(id, event) {
      for (const o of observers) if (o.event) guard('event', () => o.event!(id, event));
    },
    ended(id, target, end) {
      for (const o of observers) if (o.ended) guard('ended', () => o.ended!(id, target, end));
    },
  };
}
