import { describe, expect, it } from 'vitest';
import { clientKey, normaliseClientAddress } from '@/lib/checks/client-key';
import { createTokenBucketLimiter } from '@/lib/checks/rate-limit';

function clock(start = 0) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('token bucket limiter', () => {
  it('allows a burst, then refuses with the seconds until the next token', async () => {
    const c = clock();
    const limiter = createTokenBucketLimiter({ perMinute: 6, burst: 3, now: c.now });
    const first = await Promise.all([limiter.take('a'), limiter.take('a'), limiter.take('a')]);
    expect(first.map((d) => d.allowed)).toEqual([true, true, true]);
    expect(first.map((d) => d.remaining)).toEqual([2, 1, 0]);
    expect(await limiter.take('a')).toEqual({ allowed: false, remaining: 0, retryAfterSec: 10 });
    c.advance(4_000);
    expect(await limiter.take('a')).toEqual({ allowed: false, remaining: 0, retryAfterSec: 6 });
  });

  it('refills at the per-minute rate, never beyond the burst', async () => {
    const c = clock();
    const limiter = createTokenBucketLimiter({ perMinute: 60, burst: 2, now: c.now });
    await limiter.take('a');
    await limiter.take('a');
    expect((await limiter.take('a')).allowed).toBe(false);
    c.advance(1_000);
    expect((await limiter.take('a')).allowed).toBe(true);
    expect((await limiter.take('a')).allowed).toBe(false);
    c.advance(3_600_000);
    const after = [await limiter.take('a'), await limiter.take('a'), await limiter.take('a')];
    expect(after.map((d) => d.allowed)).toEqual([true, true, false]);
  });

  it('keeps one bucket per client', async () => {
    const c = clock();
    const limiter = createTokenBucketLimiter({ perMinute: 1, burst: 1, now: c.now });
    expect((await limiter.take('a')).allowed).toBe(true);
    expect((await limiter.take('a')).allowed).toBe(false);
    expect((await limiter.take('b')).allowed).toBe(true);
  });

  it('bounds memory under many distinct clients', async () => {
    const c = clock();
    const limiter = createTokenBucketLimiter({ perMinute: 60, burst: 5, now: c.now, maxKeys: 10 });
    for (let i = 0; i < 1_000; i++) {
      c.advance(1);
      await limiter.take(`visitor-${i}`);
    }
    expect(limiter.size).toBeLessThanOrEqual(11);
  });

  it('sweeps idle buckets first, so an older client that is still limited is not forgotten', async () => {
    const c = clock();
    const limiter = createTokenBucketLimiter({ perMinute: 1, burst: 2, now: c.now, maxKeys: 10 });
    await limiter.take('abuser'); // oldest bucket, drained
    await limiter.take('abuser');
    for (let i = 0; i < 8; i++) await limiter.take(`early-${i}`); // half full
    c.advance(60_000); // early buckets full again (idle); the abuser's holds one token
    for (let i = 0; i < 5; i++) await limiter.take(`late-${i}`); // crosses maxKeys: a sweep runs
    expect(limiter.size).toBeLessThanOrEqual(10);
    expect((await limiter.take('abuser')).allowed).toBe(true);
    expect((await limiter.take('abuser')).allowed).toBe(false);
  });

  it('rejects a configuration that would never allow anything', () => {
    expect(() => createTokenBucketLimiter({ perMinute: 0, burst: 1 })).toThrow();
    expect(() => createTokenBucketLimiter({ perMinute: 1, burst: 0 })).toThrow();
  });
});

describe('client addresses', () => {
  it.each([
    ['203.0.113.7', '203.0.113.7'],
    [' 203.0.113.7 ', '203.0.113.7'],
    ['203.0.113.7:51000', '203.0.113.7'],
    ['::ffff:203.0.113.7', '203.0.113.7'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['[2001:db8:1:2::9]:443', '2001:db8:1:2::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
  ])('normalises %j to %j', (raw, key) => {
    expect(normaliseClientAddress(raw)).toBe(key);
  });

  it.each(['', 'unknown', 'example.test', '1', '0x7f.1', '999.1.1.1', '_hidden'])('refuses %j', (raw) => {
    expect(normaliseClientAddress(raw)).toBeNull();
  });

  it('puts every address of one IPv6 /64 in one bucket', () => {
    expect(normaliseClientAddress('2001:db8:aa:bb::1')).toBe(normaliseClientAddress('2001:db8:aa:bb:ffff::2'));
    expect(normaliseClientAddress('2001:db8:aa:bb::1')).not.toBe(normaliseClientAddress('2001:db8:aa:bc::1'));
  });
});

describe('client key', () => {
  const h = (xff?: string) => new Headers(xff === undefined ? {} : { 'x-forwarded-for': xff });

  it('behind a trusted proxy, takes the entry the proxy appended, not the ones the client sent', () => {
    expect(clientKey(h('198.51.100.1, 203.0.113.9'), { trustProxy: true })).toBe('203.0.113.9');
    expect(clientKey(h('203.0.113.9'), { trustProxy: true, socketAddress: '127.0.0.1' })).toBe('203.0.113.9');
  });

  it('without a trusted proxy, uses the socket address when the host knows it, ignoring the header', () => {
    expect(clientKey(h('198.51.100.1'), { trustProxy: false, socketAddress: '::ffff:203.0.113.5' })).toBe(
      '203.0.113.5',
    );
  });

  it("without a trusted proxy in Next, uses the socket address Next's server wrote into the header", () => {
    expect(clientKey(h('203.0.113.5'), { trustProxy: false })).toBe('203.0.113.5');
  });

  it('falls back to one shared bucket when no address is known', () => {
    expect(clientKey(h(), { trustProxy: false })).toBe('unknown');
    expect(clientKey(h('garbage'), { trustProxy: true })).toBe('unknown');
    expect(clientKey(h('garbage'), { trustProxy: true, socketAddress: '203.0.113.5' })).toBe('203.0.113.5');
  });
});
