import { describe, expect, it } from 'vitest';
import { createTargetGate, targetKey } from '@/lib/probe/net/target-gate';

const tick = () => new Promise((r) => setImmediate(r));

describe('createTargetGate', () => {
  it('grants up to N slots per address at once, then makes the next wait until one is released', async () => {
    const gate = createTargetGate({ maxPerTarget: 2 });
    const a = await gate.acquire('192.0.2.1');
    const b = await gate.acquire('192.0.2.1');
    let third: (() => void) | undefined;
    void gate.acquire('192.0.2.1').then((r) => (third = r));
    await tick();
    expect(third).toBeUndefined();
    expect(gate.stats('192.0.2.1')).toEqual({ active: 2, waiting: 1 });
    a!();
    await tick();
    expect(third).toBeTypeOf('function');
    expect(gate.stats('192.0.2.1')).toEqual({ active: 2, waiting: 0 });
    b!();
    third!();
    expect(gate.stats('192.0.2.1')).toEqual({ active: 0, waiting: 0 });
  });

  it('serves waiters first come, first served, and a newcomer cannot overtake them', async () => {
    const gate = createTargetGate({ maxPerTarget: 1 });
    const first = await gate.acquire('192.0.2.1');
    const order: string[] = [];
    const w1 = gate.acquire('192.0.2.1').then((r) => (order.push('w1'), r));
    const w2 = gate.acquire('192.0.2.1').then((r) => (order.push('w2'), r));
    first!();
    const r1 = await w1;
    // released slot went to w1 directly: the gate is still full for anyone new
    let late: (() => void) | undefined;
    void gate.acquire('192.0.2.1').then((r) => (late = r));
    await tick();
    expect(late).toBeUndefined();
    r1!();
    (await w2)!();
    await tick();
    expect(order).toEqual(['w1', 'w2']);
    expect(late).toBeTypeOf('function');
    late!();
  });

  it('keeps addresses independent', async () => {
    const gate = createTargetGate({ maxPerTarget: 1 });
    const a = await gate.acquire('192.0.2.1');
    const b = await Promise.race([gate.acquire('192.0.2.2'), tick().then(() => 'waited')]);
    expect(b).toBeTypeOf('function');
    a!();
    (b as () => void)();
  });

  it('treats an IPv4-mapped IPv6 address as the IPv4 address: an AAAA record cannot double the bound', async () => {
    expect(targetKey('::ffff:192.0.2.7')).toBe('192.0.2.7');
    expect(targetKey('::FFFF:c000:207')).toBe('192.0.2.7');
    const gate = createTargetGate({ maxPerTarget: 1 });
    const a = await gate.acquire('192.0.2.7');
    let second: (() => void) | undefined;
    void gate.acquire('::ffff:192.0.2.7').then((r) => (second = r));
    await tick();
    expect(second).toBeUndefined();
    expect(gate.stats('192.0.2.7')).toEqual({ active: 1, waiting: 1 });
    a!();
    await tick();
    expect(second).toBeTypeOf('function');
    second!();
  });

  it('treats the textual forms of one IPv6 address as one target', async () => {
    expect(targetKey('2001:DB8::1')).toBe(targetKey('2001:db8:0:0::1'));
    const gate = createTargetGate({ maxPerTarget: 1 });
    const a = await gate.acquire('2001:DB8::1');
    expect(gate.stats('2001:db8:0:0:0:0:0:1')).toEqual({ active: 1, waiting: 0 });
    a!();
  });

  it('a release function works once: calling it twice frees one slot, not two', async () => {
    const gate = createTargetGate({ maxPerTarget: 1 });
    const a = await gate.acquire('192.0.2.1');
    a!();
    a!();
    const b = await gate.acquire('192.0.2.1');
    let c: (() => void) | undefined;
    void gate.acquire('192.0.2.1').then((r) => (c = r));
    await tick();
    expect(c).toBeUndefined();
    b!();
    await tick();
    c!();
  });

  it('an abort while waiting gives up the place in line without taking a slot', async () => {
    const gate = createTargetGate({ maxPerTarget: 1 });
    const held = await gate.acquire('192.0.2.1');
    const ctl = new AbortController();
    const waiting = gate.acquire('192.0.2.1', ctl.signal);
    ctl.abort();
    expect(await waiting).toBeUndefined();
    expect(gate.stats('192.0.2.1')).toEqual({ active: 1, waiting: 0 });
    held!();
    expect(gate.stats('192.0.2.1')).toEqual({ active: 0, waiting: 0 });
    expect(await gate.acquire('192.0.2.1', AbortSignal.abort())).toBeUndefined();
  });

  it('forgets idle addresses, so a long-running process does not accumulate them', async () => {
    const gate = createTargetGate({ maxPerTarget: 3 });
    const releases = await Promise.all(Array.from({ length: 500 }, (_, i) => gate.acquire(`198.51.100.${i % 250}`)));
    expect(gate.size).toBe(250);
    for (const r of releases) r!();
    expect(gate.size).toBe(0);
  });

  it('refuses a bound below 1', () => {
    expect(() => createTargetGate({ maxPerTarget: 0 })).toThrow(/maxPerTarget/);
  });
});
