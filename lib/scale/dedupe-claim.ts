/**
 * Cross-instance dedupe in scaled mode. Each web instance first looks for a recent check in the
 * shared store, but two instances asked for the same domain at the same moment would both find
 * nothing and both enqueue. A Redis SET NX on the dedupe key, held for the dedupe window, makes
 * the choice atomic: the instance that sets it creates the check; the others answer with its id.
 */
import type { Redis } from 'ioredis';

export interface DedupeClaims {
  /** null: the key is ours now (create the check); otherwise the id of the check that holds it */
  claim(key: string, checkId: string, windowMs: number): Promise<string | null>;
  /** gives the key back if it still names this check (its creation failed) */
  release(key: string, checkId: string): Promise<void>;
}

// KEYS[1] the claim; ARGV[1] the check id. Deletes only our own claim.
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

export function createDedupeClaims(opts: { redis: Redis; prefix: string }): DedupeClaims {
  const { redis, prefix } = opts;
  // Keys hold NUL separators and any domain: encoded into a plain key name.
  const keyOf = (key: string) => `${prefix}:dedupe:${Buffer.from(key).toString('base64url')}`;
  return {
    async claim(key, checkId, windowMs) {
      const k = keyOf(key);
      for (let attempt = 0; attempt < 3; attempt++) {
        if ((await redis.set(k, checkId, 'PX', Math.max(1, windowMs), 'NX')) === 'OK') return null;
        const holder = await redis.get(k);
        // Expired or given back between the two calls: try to take it again.
        if (holder !== null) return holder;
      }
      // The key flipped three times in a row: go ahead unclaimed (at worst one duplicate check).
      return null;
    },
    async release(key, checkId) {
      await redis.eval(RELEASE, 1, keyOf(key), checkId);
    },
  };
}
