import { describe, expect, it } from 'vitest';
import { createTlsSlots } from '@/lib/probe/net/tls-slots';
import type { Deadline } from '@/lib/probe/net/deadline';

const tick = () => new Promise((r) => setImmediate(r));
const never: Deadline = { at: Infinity, byBudget: true, now: () => performance.now() };
const inMs = (ms: number): Deadline => ({ at: performance.now() + ms, byBudget: true, now: () => performance.now() });

async function held(slots: ReturnType<typeof createTlsSlots>): Promise<() => void> {
  const r = await slots.acquire({ deadline: never });
  if (!('release' in r)) throw new Error(`no slot: ${r.interrupted}`);
  return r.release;
}

describe('createTlsSlots', () => {
  it('grants up to the bound at once, then makes the next wait until a slot is given back', async () => {
    const slots = createTlsSlots({ max: 2 });
    const a = await held(slots);
    await held(slots);
    let third: unknown;
    void slots.acquire({ deadline: never }).then((r) => (third = r));
    await tick();
    expect(third).toBeUndefined();
    expect({ active: slots.active, waiting: slots.waiting }).toEqual({ active: 2, waiting: 1 });
    a();
    await tick();
    expect(third).toHaveProperty('release');
    expect({ active: slots.active, waiting: slots.waiting }).toEqual({ active: 2, waiting: 0 });
  });

  it('serves waiters first come, first served; a newcomer cannot overtake a waiter', async () => {
    const slots = createTlsSlots({ max: 1 });
    const first = await held(slots);
    const order: string[] = [];
    const waits = ['w1', 'w2', 'w3'].map((name) =>
      slots.acquire({ deadline: never }).then((r) => {
        order.push(name);
        return r;
      }),
    );
    first();
    const r1 = await waits[0]!;
    let late: unknown;
    void slots.acquire({ deadline: never }).then((r) => (late = r));
    await tick();
    expect(late).toBeUndefined();
    if (!('release' in r1)) throw new Error('no slot');
    r1.release();
    const r2 = await waits[1]!;
    if (!('release' in r2)) throw new Error('no slot');
    r2.release();
    const r3 = await waits[2]!;
    if (!('release' in r3)) throw new Error('no slot');
    r3.release();
    await tick();
    expect(order).toEqual(['w1', 'w2', 'w3']);
    expect(late).toHaveProperty('release');
  });

  it('a release called twice gives back one slot, not two', async () => {
    const slots = createTlsSlots({ max: 1 });
    const a = await held(slots);
    const w1 = slots.acquire({ deadline: never });
    const w2 = slots.acquire({ deadline: never });
    a();
    a();
    a();
    await tick();
    // Only w1 got the one slot: the repeated calls did not free another for w2.
    expect(await w1).toHaveProperty('release');
    expect({ active: slots.active, waiting: slots.waiting }).toEqual({ active: 1, waiting: 1 });
    const r1 = await w1;
    if ('release' in r1) r1.release();
    expect(await w2).toHaveProperty('release');
  });

  it('an abort while queued ends the wait at once, holds nothing, and leaves the queue', async () => {
    const slots = createTlsSlots({ max: 1 });
    const a = await held(slots);
    const ac = new AbortController();
    const waiting = slots.acquire({ deadline: never, signal: ac.signal });
    const behind = slots.acquire({ deadline: never });
    await tick();
    expect(slots.waiting).toBe(2);
    ac.abort();
    expect(await waiting).toEqual({ interrupted: 'aborted' });
    expect(slots.waiting).toBe(1);
    // The slot goes past the one that gave up, to the next waiter.
    a();
    expect(await behind).toHaveProperty('release');
    expect(slots.active).toBe(1);
  });

  it('an already aborted signal never takes a slot, even a free one', async () => {
    const slots = createTlsSlots({ max: 1 });
    const ac = new AbortController();
    ac.abort();
    expect(await slots.acquire({ deadline: never, signal: ac.signal })).toEqual({ interrupted: 'aborted' });
    expect(slots.active).toBe(0);
  });

  it("a wait past its deadline ends as the budget's, holds nothing, and a later release is not lost", async () => {
    const slots = createTlsSlots({ max: 1 });
    const a = await held(slots);
    const t0 = performance.now();
    expect(await slots.acquire({ deadline: inMs(60) })).toEqual({ interrupted: 'budget' });
    expect(performance.now() - t0).toBeGreaterThanOrEqual(50);
    expect(slots.waiting).toBe(0);
    a();
    expect(slots.active).toBe(0);
    await held(slots);
    expect(slots.active).toBe(1);
  });

  it('refuses a bound that is not a whole number ≥ 1', () => {
    expect(() => createTlsSlots({ max: 0 })).toThrow();
    expect(() => createTlsSlots({ max: 1.5 })).toThrow();
  });
});
