/**
 * The web tier's parts in scaled mode, built from the environment: Redis connections (one for
 * commands, one subscribed for the event fan-out), the BullMQ queue of each vantage, the shared
 * rate limiter and per-client slots, and the runner that enqueues instead of probing.
 */
import { Queue } from 'bullmq';
import type { Env } from '@/lib/env';
import type { CheckEngine } from '@/lib/probe/engine';
import type { ProbeLogger } from '@/lib/probe/types';
import type { CheckStore } from '@/lib/store/check-store';
import type { RateLimiter } from '@/lib/checks/rate-limit';
import type { Runner } from '@/lib/checks/runner';
import { checkObservers } from '@/lib/observability/process-observability';
import { createClientSlots, createVantageRegistry, queueName } from './check-queue';
import { createRedisEventHub } from './redis-event-hub';
import { createRedisRateLimiter } from './redis-rate-limit';
import { pingRedis, redisConnection } from './redis-connection';
import { createScaledRunner } from './scaled-runner';
import { startStallWatch } from './stall-watch';
import { createDedupeClaims } from './dedupe-claim';
import { startUnservedSweep } from './unserved-sweep';

export interface ScaledServices {
  runner: Runner;
  rateLimiter: RateLimiter;
  pingRedis: () => Promise<void>;
  close(): Promise<void>;
}

export async function createScaledServices(
  env: Env,
  deps: { store: CheckStore; engine: CheckEngine; logger: ProbeLogger },
): Promise<ScaledServices> {
  const url = env.REDIS_URL!;
  const prefix = env.REDIS_PREFIX;
  const redis = redisConnection(url, 'mxray-web');
  const sub = redisConnection(url, 'mxray-web-events');
  redis.on('error', (err) => deps.logger.warn({ err }, 'redis connection error'));
  sub.on('error', (err) => deps.logger.warn({ err }, 'redis subscriber error'));
  const hub = createRedisEventHub({ pub: redis, sub, prefix, onError: (err) => deps.logger.warn({ err }, 'event fan-out failed') });
  const queues = new Map<string, Queue>();
  const queueFor = (vantage: string): Queue => {
    let q = queues.get(vantage);
    if (!q) {
      q = new Queue(queueName(vantage), { connection: redis, prefix });
      q.on('error', (err) => deps.logger.warn({ err, vantage }, 'queue error'));
      queues.set(vantage, q);
    }
    return q;
  };
  const slots = createClientSlots({ redis, prefix, max: env.MAX_RUNNING_PER_CLIENT, holdMs: env.limits.checkBudgetMs * 3 });
  const vantages = createVantageRegistry({ redis, prefix });
  const allVantages = async () => [...new Set([env.MXRAY_VANTAGE, ...env.VANTAGES, ...(await vantages.live())])];
  const watch = startStallWatch({
    connection: () => redisConnection(url, 'mxray-web-stall-watch'),
    prefix,
    lockMs: env.WORKER_LOCK_MS,
    queueFor,
    vantages: allVantages,
    store: deps.store,
    hub,
    slots,
    logger: deps.logger,
  });
  const sweep = startUnservedSweep({
    queueFor,
    vantages: allVantages,
    registry: vantages,
    maxWaitMs: env.limits.checkBudgetMs,
    store: deps.store,
    hub,
    slots,
    logger: deps.logger,
  });
  const runner = createScaledRunner({
    engine: deps.engine,
    store: deps.store,
    hub,
    logger: deps.logger,
    queueFor,
    slots,
    vantages,
    configuredVantages: env.VANTAGES,
    defaultVantage: env.MXRAY_VANTAGE,
    queueSize: env.CHECK_QUEUE_SIZE,
    dedupeWindowMs: env.DEDUPE_WINDOW_SECONDS * 1000,
    dedupe: createDedupeClaims({ redis, prefix }),
    maxPerClient: env.MAX_RUNNING_PER_CLIENT,
    observers: checkObservers(),
  });
  const rateLimiter = createRedisRateLimiter({ redis, prefix, perMinute: env.RATE_LIMIT_PER_MINUTE, burst: env.RATE_LIMIT_BURST });
  deps.logger.info({ prefix }, 'scaled mode: checks go to the Redis queue');
  return {
    runner,
    rateLimiter,
    pingRedis: () => pingRedis(redis),
    async close() {
      sweep.close();
      await watch.close();
      await Promise.allSettled([...queues.values()].map((q) => q.close()));
      await hub.close();
      redis.disconnect();
    },
  };
}
