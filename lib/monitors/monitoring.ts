/**
 * Monitors wired for the web app's process: the store (the check store's engine), the webhook
 * client (the engine's DNS path and address policy, opened by WEBHOOK_ALLOW_CIDRS), the jobs and
 * the in-process scheduler (embedded mode). Route handlers see only this.
 */
import 'server-only';
import type { Runner } from '@/lib/checks/runner';
import type { Env } from '@/lib/env';
import { createAddressPolicy } from '@/lib/probe/address-policy';
import { createResolver } from '@/lib/probe/dns/resolver';
import { normalizeDomain, type NormalizedDomain } from '@/lib/probe/domain-name';
import { createTlsContext } from '@/lib/probe/tls/tls-context';
import { systemClock, type ProbeLogger } from '@/lib/probe/types';
import type { CheckStore } from '@/lib/store/check-store';
import type { MonitorStore } from '@/lib/store/monitor-store';
import { createInProcessScheduler, type MonitorScheduler } from './scheduler';
import { checkWebhookUrl, postWebhook, type UrlCheck, type WebhookClientDeps } from './webhook-client';

export interface Monitoring {
  store: MonitorStore;
  scheduler: MonitorScheduler;
  /** the creation-time check of a webhook URL (resolved and judged; nothing connected to) */
  checkUrl(url: string): Promise<UrlCheck>;
  limits: { perClient: number; total: number; jitterMaxMs: number };
  /** the domain as the engine will check it (ALLOW_TEST_DOMAINS decides about .test names) */
  normalizeDomain(input: string): NormalizedDomain;
}

export function createMonitoring(opts: { env: Env; store: MonitorStore; checks: CheckStore; runner: Runner; logger: ProbeLogger }): Monitoring {
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
  const scheduler = createInProcessScheduler({
    monitors: opts.store,
    checks: opts.checks,
    runner: opts.runner,
    post: (o) => postWebhook(o, client),
    backoff: { baseMs: env.WEBHOOK_RETRY_BASE_SECONDS * 1000, maxMs: 3_600_000, maxAttempts: env.WEBHOOK_MAX_ATTEMPTS },
    clock: systemClock,
    logger,
    jitterMaxMs,
    retryRunMs: 60_000,
    deliveryLeaseMs: env.WEBHOOK_TIMEOUT_MS + 60_000,
    pollMs: env.MONITOR_POLL_SECONDS * 1000,
    maxConcurrentRuns: env.MONITOR_MAX_CONCURRENT_RUNS,
    maxConcurrentDeliveries: 8,
    ready: opts.runner.ready,
  });
  return {
    store: opts.store,
    scheduler,
    checkUrl: (url) => checkWebhookUrl(url, client),
    normalizeDomain: (input) => normalizeDomain(input, { allowSpecialUse: env.ALLOW_TEST_DOMAINS }),
    limits: { perClient: env.MONITOR_MAX_PER_CLIENT, total: env.MONITOR_MAX_TOTAL, jitterMaxMs },
  };
}
