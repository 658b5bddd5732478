/**
 * Monitors wired for the web app's process: the store (the check store's engine), the webhook
 * client (the engine's DNS path and address policy, opened by WEBHOOK_ALLOW_CIDRS), the jobs and
 * the in-process scheduler (embedded mode). Route handlers see only the operations below, never
 * the store.
 */
import 'server-only';
import type { Runner } from '@/lib/checks/runner';
import type { Env } from '@/lib/env';
import { createAddressPolicy } from '@/lib/probe/address-policy';
import { createResolver } from '@/lib/probe/dns/resolver';
import { normalizeDomain, type NormalizedDomain } from '@/lib/probe/domain-name';
import { createTlsContext } from '@/lib/probe/tls/tls-context';
import { systemClock, type Clock, type ProbeLogger } from '@/lib/probe/types';
import type { MonitorRecord, MonitorStore } from '@/lib/store/monitor-store';

export type { MonitorRecord };
import { createMonitor, findByToken, monitorView, type CreateOutcome } from './manage-monitor';
import type { MonitorJobDeps } from './monitor-jobs';
import { createInProcessScheduler, type MonitorScheduler } from './scheduler';
import type { CreateMonitorRequest, MonitorView } from './schemas';
import { checkWebhookUrl, postWebhook, type WebhookClientDeps } from './webhook-client';

export interface Monitoring {
  /** caps, webhook URLs resolved and judged, then stored; the token is in the outcome, once */
  create(req: CreateMonitorRequest & { domain: string }, ctx: { client: string; origin: string }): Promise<CreateOutcome>;
  /** the monitor a capability token manages; null for an unknown monitor and a wrong token alike */
  find(token: string): Promise<MonitorRecord | null>;
  /** what the API and the management page show, delivery log included */
  view(m: MonitorRecord): Promise<MonitorView>;
  /**
   * seconds before "Run now" is accepted again for this monitor: 0 when it may run; otherwise its
   * latest run (scheduled or asked for) started less than the cooldown ago, or is still running
   */
  runNowWaitSec(m: MonitorRecord): Promise<number>;
  /** pause, resume (due at once) or ask for a run now; null when the monitor is gone */
  update(m: MonitorRecord, change: { paused?: boolean; runNow?: boolean }): Promise<MonitorRecord | null>;
  remove(m: MonitorRecord): Promise<void>;
  /** the domain as the engine will check it (ALLOW_TEST_DOMAINS decides about .test names) */
  normalizeDomain(input: string): NormalizedDomain;
  scheduler: MonitorScheduler;
}

/** The operations on a store, apart from the process wiring (tests build them on their own store). */
export function monitorOperations(opts: {
  store: MonitorStore;
  scheduler: Pick<MonitorScheduler, 'nudge'>;
  checkUrl: (url: string) => ReturnType<typeof checkWebhookUrl>;
  limits: { perClient: number; total: number; jitterMaxMs: number };
  allowTestDomains: boolean;
  /** MONITOR_RUN_NOW_COOLDOWN_SECONDS, ms; 0: no cooldown */
  runNowCooldownMs?: number;
  /** when a stored check started (the runner's view), for the cooldown */
  checkStartedAt?: (checkId: string) => Promise<number | null>;
  clock?: Clock;
}): Omit<Monitoring, 'scheduler'> {
  const { store } = opts;
  const clock = opts.clock ?? systemClock;
  return {
    async create(req, ctx) {
      const created = await createMonitor({ store, checkUrl: opts.checkUrl, limits: opts.limits, clock }, req, ctx);
      if (created.ok) await opts.scheduler.nudge(created.monitor.id);
      return created;
    },
    async runNowWaitSec(m) {
      const cooldown = opts.runNowCooldownMs ?? 0;
      if (cooldown <= 0) return 0;
      // The latest run started (in progress: since its claim; done: its check's start) or asked for
      // (due and not yet taken: "Run now" twice in a row is one request).
      const now = clock.now();
      const starts = [
        m.pendingSince,
        m.lastCheckId && opts.checkStartedAt ? await opts.checkStartedAt(m.lastCheckId) : null,
        !m.paused && m.nextRunAt <= now ? m.nextRunAt : null,
      ].filter((t): t is number => t !== null);
      if (starts.length === 0) return 0;
      const lastStart = Math.max(...starts);
      const waitMs = lastStart + cooldown - now;
      return waitMs > 0 ? Math.ceil(waitMs / 1000) : 0;
    },
    find: (token) => findByToken(store, token),
    view: (m) => monitorView(store, m),
    async update(m, change) {
      const paused = change.paused ?? m.paused;
      // Resuming or "run now" makes the monitor due at once; pausing keeps the schedule for later.
      const dueNow = !paused && (change.runNow === true || m.paused);
      await store.setPaused(m.id, paused, dueNow ? clock.now() : m.nextRunAt);
      await opts.scheduler.nudge(m.id);
      return store.getMonitor(m.id);
    },
    async remove(m) {
      // A run in flight finishes without an error and delivers nothing (the store's completeRun).
      await store.deleteMonitor(m.id);
      await opts.scheduler.nudge(m.id);
    },
    normalizeDomain: (input) => normalizeDomain(input, { allowSpecialUse: opts.allowTestDomains }),
  };
}

export function createMonitoring(opts: {
  env: Env;
  store: MonitorStore;
  runner: Runner;
  logger: ProbeLogger;
  sharedStore?: boolean;
  /** scaled mode: BullMQ job schedulers on Redis run monitors instead of the in-process loop */
  bullmq?: (deps: MonitorJobDeps & { ready?: Promise<void> }) => MonitorScheduler;
}): Monitoring {
  const { env, logger } = opts;
  const client: WebhookClientDeps = {
    resolver: createResolver({ servers: env.DNS_SERVERS, timeoutMs: env.limits.dnsTimeoutMs, tries: 2 }),
    policy: createAddressPolicy({ allowCidrs: env.WEBHOOK_ALLOW_CIDRS }),
    httpAllowCidrs: env.WEBHOOK_ALLOW_CIDRS,
    tls: createTlsContext({ extraCaFile: env.NODE_EXTRA_CA_CERTS ?? '' }),
    timeoutMs: env.WEBHOOK_TIMEOUT_MS,
    maxResponseBytes: env.WEBHOOK_MAX_RESPONSE_BYTES,
  };
  const jitterMaxMs = env.MONITOR_JITTER_SECONDS * 1000;
  const jobDeps: MonitorJobDeps = {
    monitors: opts.store,
    runner: opts.runner,
    post: (o) => postWebhook(o, client),
    backoff: { baseMs: env.WEBHOOK_RETRY_BASE_SECONDS * 1000, maxMs: 3_600_000, maxAttempts: env.WEBHOOK_MAX_ATTEMPTS },
    clock: systemClock,
    logger,
    jitterMaxMs,
    retryRunMs: 60_000,
    deliveryLeaseMs: env.WEBHOOK_TIMEOUT_MS + 60_000,
  };
  const scheduler = opts.bullmq
    ? opts.bullmq({ ...jobDeps, ready: opts.runner.ready })
    : createInProcessScheduler({
    ...jobDeps,
    pollMs: env.MONITOR_POLL_SECONDS * 1000,
    maxConcurrentRuns: env.MONITOR_MAX_CONCURRENT_RUNS,
    maxConcurrentDeliveries: 8,
    ready: opts.runner.ready,
    // On a database shared by instances, a run another instance claimed a moment ago is not ours to give up.
    claimGraceMs: opts.sharedStore ? 5 * 60_000 : 0,
  });
  return {
    ...monitorOperations({
      store: opts.store,
      scheduler,
      checkUrl: (url) => checkWebhookUrl(url, client),
      limits: { perClient: env.MONITOR_MAX_PER_CLIENT, total: env.MONITOR_MAX_TOTAL, jitterMaxMs },
      allowTestDomains: env.ALLOW_TEST_DOMAINS,
      runNowCooldownMs: env.MONITOR_RUN_NOW_COOLDOWN_SECONDS * 1000,
      checkStartedAt: async (id) => (await opts.runner.getCheck(id))?.createdAt ?? null,
    }),
    scheduler,
  };
}
