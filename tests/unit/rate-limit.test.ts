import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import ipaddr from 'ipaddr.js';
import { clientKey, normaliseClientAddress } from '@/lib/checks/client-key';

import { createTokenBucketLimiter } from '@/lib/checks/rate-limit';

const { clientAddress } = createRequire(import.meta.url)('../../scripts/mxray-server.cjs') as {
  clientAddress(peer: string | undefined, headers: Record<string, string | string[]>, config: { trustProxy: boolean; trustProxyHops: number }): string;
};

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
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1::/56'],
    ['[2001:db8:1:2::9]:443', '2001:db8:1::/56'],
    ['fe80::1%eth0', 'fe80::/56'],
  ])('normalises %j to %j', (raw, key) => {
    expect(normaliseClientAddress(raw)).toBe(key);
  });

  it('keys every canonical dotted quad as itself, as the general parser does, and sends the rest through that parser', () => {
    for (const a of ['0.0.0.0', '9.99.199.255', '10.0.0.1', '127.0.0.1', '249.250.251.252', '255.255.255.255', '1.20.100.200']) {
      expect(normaliseClientAddress(a)).toBe(ipaddr.parse(a).toString());
    }
    // not canonical: the parser decides (leading zeros, a quad out of range)
    expect(normaliseClientAddress('010.0.0.1')).toBeNull();
    expect(normaliseClientAddress('256.1.1.1')).toBeNull();
    expect(normaliseClientAddress('203.0.113.07')).toBeNull();
  });

  it.each(['', 'unknown', 'example.test', '1', '0x7f.1', '999.1.1.1', '_hidden'])('refuses %j', (raw) => {
    expect(normaliseClientAddress(raw)).toBeNull();
  });

  it('puts every address of one IPv6 /56 in one bucket (the default prefix)', () => {
    expect(normaliseClientAddress('2001:db8:aa:bb::1')).toBe(normaliseClientAddress('2001:db8:aa:ff:ffff::2'));
    expect(normaliseClientAddress('2001:db8:aa:bb::1')).not.toBe(normaliseClientAddress('2001:db8:aa:1bb::1'));
  });

  it('keys IPv6 by the configured prefix', () => {
    expect(normaliseClientAddress('2001:db8:aa:bb::1', 64)).toBe('2001:db8:aa:bb::/64');
    expect(normaliseClientAddress('2001:db8:aa:bb::1', 48)).toBe('2001:db8:aa::/48');
    expect(normaliseClientAddress('2001:db8:aa:bb::1', 60)).toBe('2001:db8:aa:b0::/60');
  });
});

describe('client key', () => {
  const h = (headers: Record<string, string>) => new Headers(headers);

  it('reads only the header the production server writes from the socket', () => {
    expect(clientKey(h({ 'x-mxray-client': '::ffff:203.0.113.5', 'x-forwarded-for': '198.51.100.1' }))).toBe('203.0.113.5');
    expect(clientKey(h({ 'x-mxray-client': '2001:db8:1:2::9' }), { ipv6Prefix: 64 })).toBe('2001:db8:1:2::/64');
  });

  it('ignores X-Forwarded-For entirely: without our header every request shares one bucket', () => {
    expect(clientKey(h({ 'x-forwarded-for': '203.0.113.5' }))).toBe('unknown');
    expect(clientKey(h({}))).toBe('unknown');
    expect(clientKey(h({ 'x-mxray-client': 'garbage' }))).toBe('unknown');
  });
});

describe('production server hook: client address', () => {
  const cfg = (trustProxy: boolean, trustProxyHops = 1) => ({ trustProxy, trustProxyHops });

  it('without TRUST_PROXY, is the TCP peer whatever X-Forwarded-For says', () => {
    expect(clientAddress('127.0.0.9', { 'x-forwarded-for': '203.0.113.5' }, cfg(false))).toBe('127.0.0.9');
  });

  it('with TRUST_PROXY, honours exactly the configured number of hops and no more', () => {
    const headers = { 'x-forwarded-for': 'forged-by-client, 198.51.100.7, 10.0.0.2' };
    // peer = proxy 1; with 1 hop the client is what proxy 1 appended
    expect(clientAddress('10.0.0.1', headers, cfg(true, 1))).toBe('10.0.0.2');
    expect(clientAddress('10.0.0.1', headers, cfg(true, 2))).toBe('198.51.100.7');
    expect(clientAddress('10.0.0.1', { 'x-forwarded-for': ['a, 198.51.100.7', '10.0.0.2'] }, cfg(true, 2))).toBe('198.51.100.7');
    // fewer entries than hops: the leftmost is all there is
    expect(clientAddress('10.0.0.1', {}, cfg(true, 2))).toBe('10.0.0.1');
  });
});
