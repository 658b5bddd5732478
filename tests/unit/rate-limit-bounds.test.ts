/**
 * The token bucket's memory bound, exactly: when a new client arrives at maxKeys buckets, full
 * (idle) buckets are forgotten first and limited ones are kept, the bound being on the buckets
 * held before the new one is added. Plus the default clock and the configuration error.
 */
import { describe, expect, it } from 'vitest';
import { createTokenBucketLimiter } from '@/lib/checks/rate-limit';

function clock() {
  let t = 0;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('token bucket memory bound', () => {
  it('sweeps when a new client arrives at exactly maxKeys buckets', async () => {
    const c = clock();
    const limiter = createTokenBucketLimiter({ perMinute: 60, burst: 2, now: c.now, maxKeys: 2 });
    await limiter.take('a');
    await limiter.take('b');
    c.advance(60_000); // both buckets full again: idle
    await limiter.take('c');
    expect(limiter.size).toBe(1);
  });

  it('keeps every limited client while only maxKeys are held, adding the new one beside them', async () => {
    const c = clock();
    const limiter = createTokenBucketLimiter({ perMinute: 1, burst: 1, now: c.now, maxKeys: 2 });
    await limiter.take('a');
    await limiter.take('b');
    expect((await limiter.take('c')).allowed).toBe(true);
    expect(limiter.size).toBe(3);
    // 'a' was not forgotten: still limited
    expect((await limiter.take('a')).allowed).toBe(false);
    // one more newcomer: now over the bound, the oldest ('a') gives way
    await limiter.take('d');
    expect(limiter.size).toBe(3);
    expect((await limiter.take('b')).allowed).toBe(false);
  });
});

describe('token bucket defaults and configuration', () => {
  it('runs on the monotonic clock when none is given', async () => {
    const limiter = createTokenBucketLimiter({ perMinute: 1, burst: 2 });
    expect(await limiter.take('a')).toEqual({ allowed: true, remaining: 1 });
    expect(await limiter.take('a')).toEqual({ allowed: true, remaining: 0 });
    expect((await limiter.take('a')).allowed).toBe(false);
  });

  it('says what a configuration that would never allow anything lacks', () => {
    expect(() => createTokenBucketLimiter({ perMinute: 0, burst: 1 })).toThrow('rate limit needs perMinute > 0 and burst ≥ 1');
    expect(() => createTokenBucketLimiter({ perMinute: 1, burst: 0.5 })).toThrow('rate limit needs perMinute > 0 and burst ≥ 1');
  });
});
