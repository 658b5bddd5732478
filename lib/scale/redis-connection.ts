/**
 * ioredis connections for scaled mode. BullMQ's workers block on Redis and require
 * maxRetriesPerRequest: null; the same setting suits every connection here: a command waits for a
 * reconnect instead of failing after a few tries (readiness reports Redis down meanwhile).
 */
import { Redis } from 'ioredis';

export function redisConnection(url: string, name: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, connectionName: name, lazyConnect: false });
}

/** Readiness: Redis answers PING within `timeoutMs`. */
export async function pingRedis(redis: Redis, timeoutMs = 1_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      redis.ping(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('redis did not answer')), timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
