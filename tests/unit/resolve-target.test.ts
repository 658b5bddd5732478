/**
 * resolveTarget's own bookkeeping, driven by an in-memory resolver: how many questions run at
 * once, that a name is asked once, abort, and a resolver that misbehaves. DNS semantics against a
 * real wire-format server are in tests/integration/resolve-target.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { createAddressPolicy } from '@/lib/probe/address-policy';
import { resolveTarget } from '@/lib/probe/dns/resolve-target';
import { DnsResultSchema } from '@/lib/probe/schema';
import { systemClock, type DnsResolver } from '@/lib/probe/types';

type Answer = string[] | { exchange: string; priority: number }[] | string; // string = error code

function fakeResolver(answers: Record<string, Answer>, delayMs = 5) {
  let inFlight = 0;
  const stats = { maxInFlight: 0, asked: [] as string[], answered: 0 };
  const ask = <T>(key: string): Promise<T> => {
    stats.asked.push(key);
    inFlight++;
    stats.maxInFlight = Math.max(stats.maxInFlight, inFlight);
    return new Promise<T>((resolve, reject) => {
      setTimeout(() => {
        inFlight--;
        stats.answered++;
        const a = answers[key];
        if (a === undefined) reject(Object.assign(new Error(key), { code: 'ENOTFOUND' }));
        else if (typeof a === 'string') reject(Object.assign(new Error(key), { code: a }));
        else resolve(a as T);
      }, delayMs);
    });
  };
  const resolver: DnsResolver = {
    resolveMx: (n) => ask(`MX ${n}`),
    resolve4: (n) => ask(`A ${n}`),
    resolve6: (n) => ask(`AAAA ${n}`),
    reverse: (ip) => ask(`PTR ${ip}`),
    getServers: () => ['192.0.2.53'],
  };
  return { resolver, stats };
}

const open = createAddressPolicy({ allowCidrs: ['127.0.0.0/8'] });

describe('resolveTarget (in-memory resolver)', () => {
  it('never has more questions in flight than its concurrency', async () => {
    const answers: Record<string, Answer> = {
      'MX many.test': Array.from({ length: 12 }, (_, i) => ({ exchange: `mx${i}.many.test`, priority: i })),
    };
    for (let i = 0; i < 12; i++) {
      answers[`A mx${i}.many.test`] = [`127.20.1.${i}`, `127.20.2.${i}`];
      answers[`PTR 127.20.1.${i}`] = [`mx${i}.many.test`];
    }
    const { resolver, stats } = fakeResolver(answers);
    const r = await resolveTarget({ domain: 'many.test', mode: 'domain', resolver, policy: open, clock: systemClock, concurrency: 3 });
    expect(DnsResultSchema.parse(r).hosts).toHaveLength(12);
    expect(stats.maxInFlight).toBe(3);
    expect(r.hosts.every((h) => h.addresses[0]?.ptr?.forwardConfirmed === true)).toBe(true);
  });

  it('asks each question once, even when a PTR name is also an MX host', async () => {
    const { resolver, stats } = fakeResolver({
      'MX once.test': [{ exchange: 'mx.once.test', priority: 10 }],
      'A mx.once.test': ['127.20.0.1'],
      'PTR 127.20.0.1': ['MX.once.test.'],
    });
    const r = await resolveTarget({ domain: 'once.test', mode: 'domain', resolver, policy: open, clock: systemClock });
    expect(r.hosts[0]?.addresses[0]?.ptr).toMatchObject({ names: ['mx.once.test'], forwardConfirmed: true });
    expect(stats.asked.filter((k) => k === 'A mx.once.test')).toHaveLength(1);
  });

  it('ends queued questions at once when aborted', async () => {
    const answers: Record<string, Answer> = {
      'MX q.test': Array.from({ length: 6 }, (_, i) => ({ exchange: `mx${i}.q.test`, priority: 10 })),
    };
    const { resolver, stats } = fakeResolver(answers, 300);
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 350);
    const r = await resolveTarget({ domain: 'q.test', mode: 'domain', resolver, policy: open, clock: systemClock, signal: ac.signal, concurrency: 2 });
    // "At once": only the MX answer had come back; the two questions in flight at the abort
    // (due 300 ms after it was sent, i.e. after the abort's timer) were not waited for.
    expect(stats.answered).toBe(1);
    expect(r.mxKind).toBe('explicit');
    expect(r.hosts.flatMap((h) => [h.a, h.aaaa]).every((l) => l.status === 'error' && l.errorCode === 'ECANCELLED')).toBe(true);
    // only the two questions already running when the abort came were ever sent
    expect(stats.asked.length).toBe(3);
    expect(() => DnsResultSchema.parse(r)).not.toThrow();
  });

  it('returns immediately with cancelled statuses when the signal is already aborted', async () => {
    const { resolver, stats } = fakeResolver({});
    const r = await resolveTarget({ domain: 'x.test', mode: 'domain', resolver, policy: open, clock: systemClock, signal: AbortSignal.abort() });
    expect(r).toMatchObject({ mxKind: 'none', mx: { status: 'error', errorCode: 'ECANCELLED' } });
    expect(stats.asked).toEqual([]);
  });

  it('turns a resolver that throws synchronously into an error status', async () => {
    const resolver: DnsResolver = {
      resolveMx: () => {
        throw new TypeError('boom');
      },
      resolve4: async () => [],
      resolve6: async () => [],
      reverse: async () => [],
      getServers: () => [],
    };
    const r = await resolveTarget({ domain: 'x.test', mode: 'domain', resolver, policy: open, clock: systemClock });
    expect(r).toMatchObject({ mxKind: 'none', mx: { status: 'error' } });
  });

  it('keeps only addresses of the asked family, once each, and treats an empty MX answer as no MX', async () => {
    const { resolver } = fakeResolver({
      'MX odd.test': [],
      'A odd.test': ['127.20.0.1', '127.20.0.1', '::1', 'not-an-ip'],
      'AAAA odd.test': ['::1', '0:0:0:0:0:0:0:1', '127.20.0.2'],
    });
    const r = await resolveTarget({ domain: 'ODD.test.', mode: 'domain', resolver, policy: open, clock: systemClock });
    expect(r.mxKind).toBe('implicit');
    expect(r.hosts[0]?.name).toBe('odd.test');
    expect(r.hosts[0]?.addresses.map((a) => [a.address, a.family])).toEqual([
      ['127.20.0.1', 4],
      ['::1', 6],
    ]);
  });

  it('treats an all-root MX set as null MX even at a non-zero preference', async () => {
    const { resolver } = fakeResolver({ 'MX n.test': [{ exchange: '.', priority: 10 }, { exchange: '', priority: 0 }] });
    const r = await resolveTarget({ domain: 'n.test', mode: 'domain', resolver, policy: open, clock: systemClock });
    expect(r.mxKind).toBe('null');
    expect(r.mx.records).toEqual([
      { exchange: '', preference: 0 },
      { exchange: '', preference: 10 },
    ]);
  });

  it('reports the resolver servers it used', async () => {
    const { resolver } = fakeResolver({});
    const r = await resolveTarget({ domain: 'x.test', mode: 'host', resolver, policy: open, clock: systemClock });
    expect(r.servers).toEqual(['192.0.2.53']);
    expect(r.mx).toEqual({ status: 'ok', ms: 0, records: [] });
  });
});
