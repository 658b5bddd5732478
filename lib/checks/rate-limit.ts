/**
 * Per-client token buckets for POST /api/checks: RATE_LIMIT_BURST tokens of capacity, refilled at
 * RATE_LIMIT_PER_MINUTE. In-process behind an async interface, so a shared (Redis) limiter for
 * several instances can replace it without touching the route.
 */

export type RateDecision =
  | { allowed: true; remaining: number }
  | { allowed: false; remaining: 0; /** whole seconds until one token is back (≥ 1) */ retryAfterSec: number };

export interface RateLimiter {
  take(key: string): Promise<RateDecision>;
}

export interface TokenBucketOptions {
  perMinute: number;
  burst: number;
  /** monotonic milliseconds */
  now?: () => number;
  /** buckets kept before idle ones are swept, bounding memory under many distinct clients */
  maxKeys?: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

export interface TokenBucketLimiter extends RateLimiter {
  /** buckets held in memory */
  readonly size: number;
}

export function createTokenBucketLimiter(options: TokenBucketOptions): TokenBucketLimiter {
  const { perMinute, burst } = options;
  if (!(perMinute > 0) || !(burst >= 1)) throw new Error('rate limit needs perMinute > 0 and burst ≥ 1');
  const now = options.now ?? (() => performance.now());
  const maxKeys = options.maxKeys ?? 100_000;
  const perMs = perMinute / 60_000;
  const buckets = new Map<string, Bucket>();

  function refill(b: Bucket, t: number): void {
    b.tokens = Math.min(burst, b.tokens + Math.max(0, t - b.at) * perMs);
    b.at = t;
  }

  /** A full bucket carries no state worth keeping: forgetting it changes no decision. */
  function sweep(t: number): void {
    for (const [k, b] of buckets) {
      refill(b, t);
      if (b.tokens >= burst) buckets.delete(k);
    }
    // Still over the bound (a flood of distinct keys): drop the oldest. Those clients get a fresh
    // bucket, which is the lesser evil next to unbounded memory.
    for (const k of buckets.keys()) {
      if (buckets.size <= maxKeys) break;
      buckets.delete(k);
    }
  }

  return {
    get size() {
      return buckets.size;
    },
    async take(key: string): Promise<RateDecision> {
      const t = now();
      let b = buckets.get(key);
      if (!b) {
        if (buckets.size >= maxKeys) sweep(t);
        b = { tokens: burst, at: t };
        buckets.set(key, b);
      } else {
        refill(b, t);
      }
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return { allowed: true, remaining: Math.floor(b.tokens) };
      }
      return { allowed: false, remaining: 0, retryAfterSec: Math.max(1, Math.ceil((1 - b.tokens) / perMs / 1000)) };
    },
  };
}
