/**
 * Null MX (RFC 7505) decisions of resolveTarget, at unit level with an in-memory resolver (the
 * wire-format version is in tests/integration/resolve-target.test.ts): "." alone means no mail;
 * "." mixed with real exchanges still probes the real ones, which senders ignoring it will use.
 */
import { describe, expect, it } from 'vitest';
import { createAddressPolicy } from '@/lib/probe/address-policy';
import { resolveTarget } from '@/lib/probe/dns/resolve-target';
import { evaluateDns } from '@/lib/probe/findings/evaluate';
import { DnsResultSchema } from '@/lib/probe/schema';
import { systemClock, type DnsResolver } from '@/lib/probe/types';

type Answer = string[] | { exchange: string; priority: number }[];

function memoryResolver(answers: Record<string, Answer>) {
  const asked: string[] = [];
  const ask = async <T>(key: string): Promise<T> => {
    asked.push(key);
    const a = answers[key];
    if (a === undefined) throw Object.assign(new Error(key), { code: key.startsWith('PTR') ? 'ENOTFOUND' : 'ENODATA' });
    return a as T;
  };
  const resolver: DnsResolver = {
    resolveMx: (n) => ask(`MX ${n}`),
    resolve4: (n) => ask(`A ${n}`),
    resolve6: (n) => ask(`AAAA ${n}`),
    reverse: (ip) => ask(`PTR ${ip}`),
    getServers: () => ['127.0.0.1:53'],
  };
  return { resolver, asked };
}

const policy = createAddressPolicy({ allowCidrs: ['127.0.0.0/8'] });
const resolve = (domain: string, resolver: DnsResolver) =>
  resolveTarget({ domain, mode: 'domain', resolver, policy, clock: systemClock });

describe('null MX mixed with real MX records', () => {
  it('probes the real exchange and keeps "." in the records', async () => {
    const { resolver } = memoryResolver({
      'MX mixed.test': [
        { exchange: 'mx.mixed.test', priority: 10 },
        { exchange: '.', priority: 0 },
      ],
      'A mx.mixed.test': ['127.21.0.1'],
      'PTR 127.21.0.1': ['mx.mixed.test'],
    });
    const r = DnsResultSchema.parse(await resolve('mixed.test', resolver));
    expect(r.mxKind).toBe('explicit');
    expect(r.mx.records).toEqual([
      { exchange: '', preference: 0 },
      { exchange: 'mx.mixed.test', preference: 10 },
    ]);
    expect(r.hosts.map((h) => [h.name, h.preference, h.addresses.map((a) => a.address)])).toEqual([['mx.mixed.test', 10, ['127.21.0.1']]]);
    // not the null MX finding: the domain does publish a mail host
    expect(evaluateDns(r, 'mixed.test').map((f) => f.code)).not.toContain('mx.null');
  });

  it('an empty exchange counts as "." too', async () => {
    const { resolver } = memoryResolver({
      'MX e.test': [
        { exchange: '', priority: 0 },
        { exchange: 'MX.e.test.', priority: 5 },
      ],
      'A mx.e.test': ['127.21.0.2'],
    });
    const r = await resolve('e.test', resolver);
    expect(r.mxKind).toBe('explicit');
    expect(r.hosts.map((h) => h.name)).toEqual(['mx.e.test']);
  });

  it('"." alone is null MX: no host is resolved and nothing else is asked', async () => {
    const { resolver, asked } = memoryResolver({ 'MX none.test': [{ exchange: '.', priority: 0 }] });
    const r = await resolve('none.test', resolver);
    expect(r).toMatchObject({ mxKind: 'null', hosts: [], mx: { records: [{ exchange: '', preference: 0 }] } });
    expect(asked).toEqual(['MX none.test']);
    expect(evaluateDns(r, 'none.test').map((f) => f.code)).toEqual(['mx.null']);
  });
});
