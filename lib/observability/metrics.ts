/**
 * The process's Prometheus metrics (prom-client). One registry per process, kept on globalThis:
 * Next compiles instrumentation.ts and each route into separate bundles, and all of them must
 * count into the same registry the metrics server exposes.
 *
 * Every series carries `role` (web today; worker in scaled mode) and `vantage` (where probes leave
 * from, set by MXRAY_VANTAGE) as default labels. No label value ever comes from user input: a
 * domain name as a label would create one series per domain checked (unbounded cardinality).
 * Label values are closed vocabularies (ports, outcomes, stages, DNS statuses, verdicts).
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface RunnerStats {
  running: number;
  queued: number;
  viewers: number;
}

export interface MetricsOptions {
  /** 'web' or, in scaled mode, 'worker' */
  role: string;
  /** where this process's probes leave from (MXRAY_VANTAGE) */
  vantage: string;
  /** Node's default process metrics (event-loop lag, heap, GC); off in unit tests that count series */
  processMetrics?: boolean;
}

// Seconds. A check is bounded by CHECK_BUDGET_MS (30 s by default); a probe stage by its timeout
// (connect 5 s, greeting 10 s: postscreen's pause is 6 s).
const CHECK_BUCKETS = [0.25, 0.5, 1, 2, 3, 5, 8, 10, 15, 20, 25, 30, 45, 60];
const STAGE_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 4, 6, 8, 10, 15, 25];
const STORE_BUCKETS = [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

export function createMetrics(options: MetricsOptions) {
  const registry = new Registry();
  registry.setDefaultLabels({ role: options.role, vantage: options.vantage });
  if (options.processMetrics !== false) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  let statsSource: (() => RunnerStats) | undefined;
  let readiness: (() => boolean) | undefined;

  const metrics = {
    registry,
    checksStarted: new Counter({
      name: 'mxray_checks_started_total',
      help: 'Checks that began running (a check answered from the dedupe window is not counted)',
      labelNames: ['mode'] as const,
      registers,
    }),
    checksFinished: new Counter({
      name: 'mxray_checks_finished_total',
      help: 'Checks that ended: status done, incomplete (budget ran out) or interrupted (also queued checks dropped at shutdown); verdict "none" when interrupted',
      labelNames: ['mode', 'status', 'verdict'] as const,
      registers,
    }),
    checkDuration: new Histogram({
      name: 'mxray_check_duration_seconds',
      help: 'Time from a check leaving the queue to its end',
      labelNames: ['mode', 'status'] as const,
      buckets: CHECK_BUCKETS,
      registers,
    }),
    portProbes: new Counter({
      name: 'mxray_port_probes_total',
      help: 'Port probes ended, by port, address family and outcome (connection-timeout, io-timeout, server-busy: could not test)',
      labelNames: ['port', 'family', 'outcome'] as const,
      registers,
    }),
    probeStage: new Histogram({
      name: 'mxray_probe_stage_duration_seconds',
      help: 'Duration of each port probe stage that completed (connect, greeting, tls, ehlo, ehlo_tls) and of whole probes (total)',
      labelNames: ['port', 'stage'] as const,
      buckets: STAGE_BUCKETS,
      registers,
    }),
    dnsQuestions: new Counter({
      name: 'mxray_dns_questions_total',
      help: 'DNS questions whose answers a check kept (MX, A, AAAA, PTR), by status',
      labelNames: ['type', 'status'] as const,
      registers,
    }),
    dnsDuration: new Histogram({
      name: 'mxray_dns_question_duration_seconds',
      help: 'Time a DNS question took, by record type',
      labelNames: ['type'] as const,
      buckets: STAGE_BUCKETS,
      registers,
    }),
    rateLimited: new Counter({
      name: 'mxray_rate_limited_total',
      help: 'Requests refused per client (HTTP 429): reason rate (token bucket) or client_busy (MAX_RUNNING_PER_CLIENT)',
      labelNames: ['route', 'reason'] as const,
      registers,
    }),
    saturated: new Counter({
      name: 'mxray_saturated_total',
      help: 'Check requests answered "saturated" (HTTP 503): every slot and queue place taken, or shutting down',
      labelNames: ['reason'] as const,
      registers,
    }),
    storeDuration: new Histogram({
      name: 'mxray_store_operation_duration_seconds',
      help: 'Latency of check store operations, by operation, kind (read or write) and outcome',
      labelNames: ['operation', 'kind', 'outcome'] as const,
      buckets: STORE_BUCKETS,
      registers,
    }),
    /** Runner gauges read the runner's counters at scrape time. */
    bindRunner(stats: () => RunnerStats): void {
      statsSource = stats;
    },
    /** Readiness as a gauge, so "not ready" can be graphed and alerted on like the rest. */
    bindReadiness(ready: () => boolean): void {
      readiness = ready;
    },
  };

  new Gauge({
    name: 'mxray_checks_running',
    help: 'Checks running now',
    registers,
    collect() {
      this.set(statsSource?.().running ?? 0);
    },
  });
  new Gauge({
    name: 'mxray_checks_queued',
    help: 'Checks waiting for a slot now (MAX_CONCURRENT_CHECKS taken)',
    registers,
    collect() {
      this.set(statsSource?.().queued ?? 0);
    },
  });
  new Gauge({
    name: 'mxray_sse_viewers',
    help: 'Live event streams (SSE viewers) attached to running checks now',
    registers,
    collect() {
      this.set(statsSource?.().viewers ?? 0);
    },
  });
  new Gauge({
    name: 'mxray_ready',
    help: '1 when the process is ready for traffic (store writable, runner accepting, not shutting down)',
    registers,
    collect() {
      this.set(readiness ? (readiness() ? 1 : 0) : 0);
    },
  });
  return metrics;
}

export type MxrayMetrics = ReturnType<typeof createMetrics>;

const g = globalThis as unknown as { __mxrayMetrics?: MxrayMetrics };

/** The process's metrics; created on first use with role and vantage from the caller. */
export function getMetrics(init: () => MetricsOptions): MxrayMetrics {
  g.__mxrayMetrics ??= createMetrics(init());
  return g.__mxrayMetrics;
}

/** The process's metrics if something has created them (undefined in the CLI and most tests). */
export function currentMetrics(): MxrayMetrics | undefined {
  return g.__mxrayMetrics;
}
