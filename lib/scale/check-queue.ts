/**
 * The BullMQ side of scaled mode, shared by the web tier (producer) and the workers: one queue per
 * vantage (a worker takes only the checks of its own vantage), the job's payload, the per-client
 * slots that bound how many checks one client has queued or running across every instance, and
 * the registry of vantages that have a live worker.
 */
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { CheckInputSchema } from '@/lib/probe/schema';

export const VANTAGE_PATTERN = /^[a-z0-9][a-z0-9_.-]{0,31}$/i;

/** BullMQ queue names may not hold ':' (its key separator); vantages never do. */
export function queueName(vantage: string): string {
  return `checks-${vantage}`;
}

export const CheckJobSchema = z.object({
  checkId: z.string(),
  target: CheckInputSchema,
  /** the requesting client's rate-limit key: its slot is given back when the check ends */
  clientKey: z.string(),
  /** W3C trace context of the web request (traceparent, tracestate), so the worker's spans join it */
  carrier: z.record(z.string(), z.string()).optional(),
});
export type CheckJob = z.infer<typeof CheckJobSchema>;

/**
 * Stalled jobs: a worker holds a lock on each job it runs and renews it; a SIGKILLed worker stops
 * renewing, and after lockMs another worker's stalled check hands the job back to the queue once
 * (maxStalledCount 1), then fails it. Short, because a check runs for seconds, not hours.
 */
export interface StallSettings {
  lockMs: number;
  stalledIntervalMs: number;
}

export function stallSettings(lockMs: number): StallSettings {
  return { lockMs, stalledIntervalMs: Math.max(1_000, Math.floor(lockMs / 2)) };
}

// KEYS[1] the client's slot set; ARGV: now ms, expiry ms, max, member. 1 if taken, 0 if full.
const ACQUIRE = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[4])
redis.call('PEXPIREAT', KEYS[1], ARGV[2])
return 1
`;

/**
 * MAX_RUNNING_PER_CLIENT across instances: a sorted set per client of its checks, each with an
 * expiry past the check's budget, so a slot whose release was lost (a dead worker whose job then
 * failed while Redis was unreachable) frees itself.
 */
export interface ClientSlots {
  acquire(clientKey: string, checkId: string): Promise<boolean>;
  release(clientKey: string, checkId: string): Promise<void>;
}

export function createClientSlots(opts: { redis: Redis; prefix: string; max: number; holdMs: number }): ClientSlots {
  const { redis, prefix, max, holdMs } = opts;
  redis.defineCommand('mxrayAcquireSlot', { numberOfKeys: 1, lua: ACQUIRE });
  const acquireCmd = (redis as unknown as Record<string, (...a: unknown[]) => Promise<number>>).mxrayAcquireSlot!.bind(redis);
  const key = (c: string) => `${prefix}:client-checks:${c}`;
  return {
    async acquire(clientKey, checkId) {
      const now = Date.now();
      return (await acquireCmd(key(clientKey), String(now), String(now + holdMs), String(max), checkId)) === 1;
    },
    async release(clientKey, checkId) {
      await redis.zrem(key(clientKey), checkId);
    },
  };
}

/**
 * Workers announce their vantage and how many checks they run at once every few seconds; one
 * missing for `ttlMs` is gone. The web tier reads it to accept a vantage, to size how many checks
 * a vantage's queue may hold (its live workers' capacity plus CHECK_QUEUE_SIZE), and to end checks
 * that no worker of theirs will ever take.
 */
export function createVantageRegistry(opts: { redis: Redis; prefix: string; ttlMs?: number }) {
  const { redis, prefix } = opts;
  const ttlMs = opts.ttlMs ?? 15_000;
  const key = `${prefix}:vantages`;
  // vantage|worker|concurrency: a worker's entry carries its capacity, so one read gives both.
  const member = (vantage: string, workerId: string, concurrency: number) => `${vantage}|${workerId}|${concurrency}`;
  async function entries(): Promise<{ vantage: string; concurrency: number }[]> {
    const now = Date.now();
    await redis.zremrangebyscore(key, '-inf', String(now));
    const members = await redis.zrangebyscore(key, String(now), '+inf');
    return members.map((m) => {
      const [vantage = '', , concurrency] = m.split('|');
      return { vantage, concurrency: Number(concurrency) || 0 };
    });
  }
  return {
    ttlMs,
    async announce(vantage: string, workerId: string, concurrency = 0): Promise<void> {
      await redis.zadd(key, String(Date.now() + ttlMs), member(vantage, workerId, concurrency));
    },
    async withdraw(vantage: string, workerId: string, concurrency = 0): Promise<void> {
      await redis.zrem(key, member(vantage, workerId, concurrency));
    },
    /** vantages with at least one live worker, sorted */
    async live(): Promise<string[]> {
      return [...new Set((await entries()).map((e) => e.vantage))].sort();
    },
    /** checks the live workers of `vantage` run at once, together (0: none is up) */
    async capacity(vantage: string): Promise<number> {
      return (await entries()).filter((e) => e.vantage === vantage).reduce((sum, e) => sum + e.concurrency, 0);
    },
  };
}
export type VantageRegistry = ReturnType<typeof createVantageRegistry>;

/** The states of a job that is not over yet: each holds a place in its vantage's queue. */
export const OPEN_JOB_STATES = ['active', 'waiting', 'delayed', 'prioritized', 'waiting-children'] as const;
