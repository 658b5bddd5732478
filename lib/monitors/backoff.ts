/**
 * When a failed webhook delivery is tried again: exponential backoff with "full jitter" spread over
 * the upper half (AWS Architecture Blog, "Exponential Backoff And Jitter", 2015), so receivers that
 * come back after an outage are not hit by every sender at the same second, yet a retry never
 * comes sooner than half its nominal delay.
 */
export interface BackoffPolicy {
  /** delay before the 2nd attempt, ms */
  baseMs: number;
  /** no delay exceeds this, ms */
  maxMs: number;
  /** attempts in all, the first included; after the last failure the delivery is 'failed' */
  maxAttempts: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 30_000, maxMs: 3_600_000, maxAttempts: 8 };

/** Nominal delay after failed attempt n (1-based): base × 2^(n−1), capped. */
export function nominalDelayMs(policy: BackoffPolicy, attempt: number): number {
  return Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
}

/**
 * The delay after failed attempt `attempt`, or null when it was the last one. `random` in [0, 1)
 * (Math.random; tests pass their own).
 */
export function retryDelayMs(policy: BackoffPolicy, attempt: number, random: () => number = Math.random): number | null {
  if (attempt >= policy.maxAttempts) return null;
  const nominal = nominalDelayMs(policy, attempt);
  return Math.round(nominal / 2 + random() * (nominal / 2));
}
