/**
 * Metrics and traces for this process, set up once at server start (instrumentation.ts) from the
 * validated environment, and the observers the check runner gets from them. Scaled mode's worker
 * calls the same functions with role 'worker'.
 */
import type { CheckObserver } from '@/lib/checks/check-observer';
import type { Env } from '@/lib/env';
import type { ProbeLogger } from '@/lib/probe/types';
import type { CheckStore } from '@/lib/store/check-store';
import { createMetricsObserver } from './check-metrics';
import { createTracingObserver } from './check-tracing';
import { currentMetrics, getMetrics, type MxrayMetrics } from './metrics';
import { metricsAccess, startMetricsServer } from './metrics-server';
import { timeStore } from './timed-store';
import { startTracing, stopTracing, tracingEnabled } from './tracing';

export type Role = 'web' | 'worker';

const g = globalThis as unknown as { __mxrayObservability?: Promise<void> };

type ObservabilityEnv = Pick<
  Env,
  | 'METRICS_PORT'
  | 'METRICS_HOST'
  | 'METRICS_TOKEN'
  | 'MXRAY_VANTAGE'
  | 'OTEL_EXPORTER_OTLP_ENDPOINT'
  | 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'
  | 'OTEL_SDK_DISABLED'
  | 'OTEL_EXPORTER_OTLP_PROTOCOL'
  | 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL'
>;

/**
 * Starts the metrics endpoint (METRICS_PORT) and tracing (OTEL_EXPORTER_OTLP_ENDPOINT), each only
 * when configured. Throws on a configuration that would expose metrics (see metricsAccess).
 */
export function startObservability(env: ObservabilityEnv, role: Role, logger: ProbeLogger): Promise<void> {
  g.__mxrayObservability ??= (async () => {
    const access = metricsAccess({ port: env.METRICS_PORT, host: env.METRICS_HOST, token: env.METRICS_TOKEN });
    const traced = await startTracing(env, role);
    if (access.kind !== 'off') {
      const metrics = getMetrics(() => ({ role, vantage: env.MXRAY_VANTAGE }));
      const server = await startMetricsServer(metrics.registry, access);
      logger.info({ host: access.host, port: server.port, token: access.kind === 'token' }, 'metrics endpoint listening');
    }
    if (traced) {
      const protocol = env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL;
      // Collectors (the OpenTelemetry Collector, Jaeger, Tempo) take JSON on the same /v1/traces.
      if (protocol && protocol !== 'http/json') logger.warn({ protocol }, 'traces are sent as OTLP/HTTP JSON (http/json), not the protocol asked for');
      logger.info({}, 'OpenTelemetry tracing on');
    }
  })();
  return g.__mxrayObservability;
}

/** The runner's observers: only for what is on, so an unobserved process does no extra work. */
export function checkObservers(): CheckObserver[] {
  const metrics = currentMetrics();
  return [...(metrics ? [createMetricsObserver(metrics)] : []), ...(tracingEnabled() ? [createTracingObserver()] : [])];
}

/** The store, timed when metrics are on. */
export function observedStore(store: CheckStore): CheckStore {
  const metrics = currentMetrics();
  return metrics ? timeStore(store, metrics) : store;
}

/** Counters the routes bump; undefined when metrics are off. */
export function routeMetrics(): MxrayMetrics | undefined {
  return currentMetrics();
}

export { stopTracing };
