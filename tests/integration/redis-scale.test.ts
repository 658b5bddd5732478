/**
 * Scaled mode's Redis parts against a real Redis (TEST_REDIS_URL or 127.0.0.1:6379, db 11, a key
 * prefix of this run's own, deleted after): the shared token bucket, the per-client slots, the
 * vantage registry and the event fan-out between two connections as two processes would use them.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckEvent } from '@/lib/probe/schema';
import { createClientSlots, createVantageRegistry } from '@/lib/scale/check-queue';
import { createRedisEventHub } from '@/lib/scale/redis-event-hub';
import { createRedisRateLimiter } from '@/lib/scale/redis-rate-limit';
import { deleteRedisKeys } from '@/tests/fixtures/test-services';

const BASE = (process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379').replace(/\/\d*$/, '');
const URL = `${BASE}/11`;
const PREFIX = `mxray-it-${randomBytes(4).toString('hex')}`;
const conns: Redis[] = [];
const connect = () => {
  const r = new Redis(URL, { maxRetriesPerRequest: null });
  conns.push(r);
  return r;
};

beforeAll(async () => {
  await connect().ping();
});

afterAll(async () => {
  const r = conns[0]!;
  await deleteRedisKeys(r, PREFIX);
  for (const c of conns) c.disconnect();
});

describe('shared token bucket (Lua in Redis)', () => {
  it('spends exactly the burst across two instances taking at once, then refuses with a retry time', async () => {
    const a = createRedisRateLimiter({ redis: connect(), prefix: PREFIX, perMinute: 1, burst: 10 });
    const b = createRedisRateLimiter({ redis: connect(), prefix: PREFIX, perMinute: 1, burst: 10 });
    const decisions = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).take('client-1')));
    expect(decisions.filter((d) => d.allowed)).toHaveLength(10);
    const refused = decisions.find((d) => !d.allowed);
    expect(refused).toMatchObject({ allowed: false, remaining: 0 });
    // One token a minute: the next one is most of a minute away.
    expect(refused!.allowed === false && refused!.retryAfterSec).toBeGreaterThan(30);
    expect((await a.take('client-2')).allowed).toBe(true);
  });

  it('counts down what remains and refills at its rate, never beyond the burst', async () => {
    const l = createRedisRateLimiter({ redis: connect(), prefix: PREFIX, perMinute: 600, burst: 2 });
    expect(await l.take('c3')).toEqual({ allowed: true, remaining: 1 });
    expect(await l.take('c3')).toEqual({ allowed: true, remaining: 0 });
    const refused = await l.take('c3');
    expect(refused).toEqual({ allowed: false, remaining: 0, retryAfterSec: 1 });
    // 10 tokens a second: after a pause well past 200 ms both tokens are back, and no more.
    await new Promise((r) => setTimeout(r, 600));
    const after = [await l.take('c3'), await l.take('c3'), await l.take('c3')];
    expect(after.map((d) => d.allowed)).toEqual([true, true, false]);
    const ttl = await conns[0]!.pttl(`${PREFIX}:rate:c3`);
    expect(ttl).toBeGreaterThan(0);
  });
});

describe('per-client slots', () => {
  it('holds a client to its maximum across instances until a check gives its slot back', async () => {
    const one = createClientSlots({ redis: connect(), prefix: PREFIX, max: 2, holdMs: 60_000 });
    const two = createClientSlots({ redis: connect(), prefix: PREFIX, max: 2, holdMs: 60_000 });
    expect(await one.acquire('k', 'c1')).toBe(true);
    expect(await two.acquire('k', 'c2')).toBe(true);
    expect(await one.acquire('k', 'c3')).toBe(false);
    expect(await two.acquire('other', 'c4')).toBe(true);
    await two.release('k', 'c1');
    expect(await one.acquire('k', 'c3')).toBe(true);
  });

  it('frees a slot whose release was lost once its hold expires', async () => {
    const slots = createClientSlots({ redis: connect(), prefix: PREFIX, max: 1, holdMs: 200 });
    expect(await slots.acquire('lost', 'c1')).toBe(true);
    expect(await slots.acquire('lost', 'c2')).toBe(false);
    await new Promise((r) => setTimeout(r, 400));
    expect(await slots.acquire('lost', 'c2')).toBe(true);
  });
});

describe('vantage registry', () => {
  it('lists the vantages whose workers announced themselves recently, each once', async () => {
    const reg = createVantageRegistry({ redis: connect(), prefix: PREFIX, ttlMs: 300 });
    await reg.announce('west', 'w1');
    await reg.announce('east', 'w2');
    await reg.announce('east', 'w3');
    expect(await reg.live()).toEqual(['east', 'west']);
    await reg.withdraw('west', 'w1');
    expect(await reg.live()).toEqual(['east']);
    await new Promise((r) => setTimeout(r, 500));
    expect(await reg.live()).toEqual([]);
  });
});

describe('event fan-out between processes', () => {
  const event = (n: number): CheckEvent => ({ type: 'probe-connected', host: 'mx.a.test', address: '127.121.9.9', port: 25, ms: n });

  it("delivers one publisher's events in order to a listener on another connection, then the end; resyncs once subscribed", async () => {
    const worker = createRedisEventHub({ pub: connect(), prefix: PREFIX });
    const web = createRedisEventHub({ pub: connect(), sub: connect(), prefix: PREFIX });
    const got: number[] = [];
    let resyncs = 0;
    const ended = new Promise<unknown>((resolve) => {
      web.listen('chk1', {
        event: (seq) => got.push(seq),
        end: resolve,
        resync: () => {
          resyncs++;
          // Subscribed: from here every publish reaches us.
          for (let i = 1; i <= 50; i++) worker.publish('chk1', i, event(i));
          worker.end('chk1', { status: 'interrupted', reason: 'worker-lost' });
        },
      });
    });
    expect(await ended).toEqual({ status: 'interrupted', reason: 'worker-lost' });
    expect(got).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(resyncs).toBe(1);
    expect(web.listenerCount('chk1')).toBe(0);
    await web.close();
  });

  it('does not deliver another check\'s events, and a publisher-only hub refuses listeners', async () => {
    const pubOnly = createRedisEventHub({ pub: connect(), prefix: PREFIX });
    expect(() => pubOnly.listen('x', { event: () => {}, end: () => {} })).toThrow(/only publishes/);
    const web = createRedisEventHub({ pub: connect(), sub: connect(), prefix: PREFIX });
    const got: string[] = [];
    await new Promise<void>((resolve) => {
      web.listen('mine', {
        event: (seq) => got.push(`mine:${seq}`),
        end: () => resolve(),
        resync: () => {
          pubOnly.publish('theirs', 1, event(1));
          pubOnly.publish('mine', 1, event(1));
          pubOnly.end('mine', { status: 'done' });
        },
      });
    });
    expect(got).toEqual(['mine:1']);
    await web.close();
  });
});
