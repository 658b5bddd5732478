/**
 * The decisions resolveTarget makes from DNS answers, against an in-memory resolver that answers
 * at once (no timers): forward-confirmed reverse DNS in its three states, how MX records are
 * ordered and de-duplicated, the fan-out caps and what `truncated` reports, host mode, CNAME
 * aliases, IDN display names and the implicit MX rule. Most of these were pinned only by the
 * integration test against the loopback DNS server; the mutation set runs unit tests only.
 *
 * Addresses are loopback ones, opened by the policy as the integration tests do.
 */
import { describe, expect, it } from 'vitest';
import { createAddressPolicy } from '@/lib/probe/address-policy';
import { resolveTarget, type ResolveTargetOptions } from '@/lib/probe/dns/resolve-target';
import { DnsResultSchema } from '@/lib/probe/schema';
import { systemClock, type DnsResolver } from '@/lib/probe/types';

type Answer = string[] | string[][] | { exchange: string; priority: number }[] | string; // string = error code

function instantResolver(answers: Record<string, Answer>, opts: { cname?: boolean } = {}) {
  const asked: string[] = [];
  const ask = <T>(key: string): Promise<T> => {
    asked.push(key);
    const a = answers[key];
    if (a === undefined) return Promise.reject(Object.assign(new Error(key), { code: 'ENOTFOUND' }));
    if (typeof a === 'string') return Promise.reject(Object.assign(new Error(key), { code: a }));
    return Promise.resolve(a as T);
  };
  const resolver: DnsResolver = {
    resolveMx: (n) => ask(`MX ${n}`),
    resolve4: (n) => ask(`A ${n}`),
    resolve6: (n) => ask(`AAAA ${n}`),
    reverse: (ip) => ask(`PTR ${ip}`),
    getServers: () => ['127.0.0.53'],
    ...(opts.cname ? { resolveCname: (n: string) => ask<string[]>(`CNAME ${n}`) } : {}),
  };
  return { resolver, asked };
}

const policy = createAddressPolicy({ allowCidrs: ['127.0.0.0/8', '::1/128'] });

async function resolve(answers: Record<string, Answer>, over: Partial<ResolveTargetOptions> = {}, cname = false) {
  const { resolver, asked } = instantResolver(answers, { cname });
  const r = await resolveTarget({ domain: 'd.test', mode: 'domain', resolver, policy, clock: systemClock, ...over });
  expect(DnsResultSchema.parse(r)).toEqual(r);
  return { r, asked };
}

/** One MX host with one IPv4 address and the given PTR / forward answers. */
async function ptrOf(ptr: Answer, forward: Record<string, Answer> = {}) {
  const { r, asked } = await resolve({
    'MX d.test': [{ exchange: 'mx.d.test', priority: 10 }],
    'A mx.d.test': ['127.30.0.1'],
    'AAAA mx.d.test': 'ENODATA',
    'PTR 127.30.0.1': ptr,
    ...forward,
  });
  return { ptr: r.hosts[0]!.addresses[0]!.ptr!, asked };
}

describe('forward-confirmed reverse DNS', () => {
  it('confirmed when a PTR name resolves back to the address', async () => {
    const { ptr } = await ptrOf(['mx.d.test'], {});
    expect(ptr).toMatchObject({ lookup: { status: 'ok' }, names: ['mx.d.test'], forwardConfirmed: true });
  });

  it('not confirmed when the PTR name resolves elsewhere, or does not exist', async () => {
    expect((await ptrOf(['other.d.test'], { 'A other.d.test': ['127.30.0.2'] })).ptr.forwardConfirmed).toBe(false);
    expect((await ptrOf(['gone.d.test'], { 'A gone.d.test': 'ENOTFOUND' })).ptr.forwardConfirmed).toBe(false);
    expect((await ptrOf(['v6only.d.test'], { 'A v6only.d.test': 'ENODATA' })).ptr.forwardConfirmed).toBe(false);
  });

  it('unknown (null) when the forward lookup failed and nothing confirmed', async () => {
    expect((await ptrOf(['slow.d.test'], { 'A slow.d.test': 'ETIMEOUT' })).ptr.forwardConfirmed).toBeNull();
    expect((await ptrOf(['broken.d.test'], { 'A broken.d.test': 'ESERVFAIL' })).ptr.forwardConfirmed).toBeNull();
    // one name that confirms outweighs one whose lookup failed
    expect((await ptrOf(['broken.d.test', 'mx.d.test'], { 'A broken.d.test': 'ESERVFAIL' })).ptr.forwardConfirmed).toBe(true);
  });

  it('no PTR record is "not confirmed"; a failed PTR lookup is "unknown"', async () => {
    expect((await ptrOf('ENOTFOUND')).ptr).toMatchObject({ lookup: { status: 'nxdomain' }, names: [], forwardConfirmed: false });
    expect((await ptrOf('ENODATA')).ptr).toMatchObject({ lookup: { status: 'nodata' }, names: [], forwardConfirmed: false });
    expect((await ptrOf([])).ptr).toMatchObject({ lookup: { status: 'ok' }, names: [], forwardConfirmed: false });
    expect((await ptrOf(['', '.'])).ptr).toMatchObject({ names: [], forwardConfirmed: false });
    expect((await ptrOf('ESERVFAIL')).ptr).toMatchObject({ lookup: { status: 'servfail', errorCode: 'ESERVFAIL' }, names: [], forwardConfirmed: null });
    expect((await ptrOf('ETIMEOUT')).ptr).toMatchObject({ lookup: { status: 'timeout' }, forwardConfirmed: null });
  });

  it('PTR names are lower-cased, lose the root dot and appear once', async () => {
    const { ptr } = await ptrOf(['MX.D.Test.', 'mx.d.test', 'Alias.D.TEST']);
    expect(ptr.names).toEqual(['mx.d.test', 'alias.d.test']);
  });

  it('confirms through at most five PTR names', async () => {
    const names = ['n1', 'n2', 'n3', 'n4', 'n5', 'mx'].map((n) => `${n}.d.test`);
    const forward = Object.fromEntries(names.slice(0, 5).map((n) => [`A ${n}`, ['127.30.0.9']]));
    const { ptr, asked } = await ptrOf(names, forward);
    expect(ptr.names).toEqual(names);
    expect(ptr.forwardConfirmed).toBe(false); // the sixth name, the one that would confirm, is not asked
    expect(asked.filter((k) => k.startsWith('A ') && k !== 'A mx.d.test')).toEqual(names.slice(0, 5).map((n) => `A ${n}`));
  });

  it('compares addresses as addresses, not as text, and within the family', async () => {
    const { r } = await resolve({
      'MX d.test': [{ exchange: 'mx.d.test', priority: 10 }],
      'A mx.d.test': 'ENODATA',
      'AAAA mx.d.test': ['::1'],
      'PTR ::1': ['mx.d.test', 'v4.d.test'],
      'A v4.d.test': ['0.0.0.1'],
      'AAAA v4.d.test': ['0:0:0:0:0:0:0:1'],
    });
    expect(r.hosts[0]!.addresses[0]).toMatchObject({ address: '::1', family: 6, ptr: { forwardConfirmed: true } });
  });

  it('an address the policy refuses is not described further: no PTR question', async () => {
    const { resolver, asked } = instantResolver({
      'MX d.test': [{ exchange: 'mx.d.test', priority: 10 }],
      'A mx.d.test': ['127.30.0.1', '10.1.2.3'],
      'AAAA mx.d.test': 'ENODATA',
      'PTR 127.30.0.1': ['mx.d.test'],
    });
    const r = await resolveTarget({ domain: 'd.test', mode: 'domain', resolver, policy, clock: systemClock });
    expect(r.hosts[0]!.addresses[1]).toEqual({ address: '10.1.2.3', family: 4, policy: { allowed: false, range: 'private' } });
    expect(asked).not.toContain('PTR 10.1.2.3');
  });
});

describe('MX records', () => {
  it('are sorted by preference, then by name; names are canonical and each host is resolved once', async () => {
    const { r, asked } = await resolve({
      'MX d.test': [
        { exchange: 'MX-B.d.test.', priority: 20 },
        { exchange: 'mx-c.d.test', priority: 10 },
        { exchange: 'mx-a.d.test', priority: 20 },
        { exchange: 'mx-c.d.test', priority: 30 },
      ],
      'A mx-a.d.test': ['127.30.0.1'],
      'A mx-b.d.test': ['127.30.0.2'],
      'A mx-c.d.test': ['127.30.0.3'],
    });
    expect(r.mx.records).toEqual([
      { exchange: 'mx-c.d.test', preference: 10 },
      { exchange: 'mx-a.d.test', preference: 20 },
      { exchange: 'mx-b.d.test', preference: 20 },
      { exchange: 'mx-c.d.test', preference: 30 },
    ]);
    expect(r.mxKind).toBe('explicit');
    expect(r.hosts.map((h) => [h.name, h.preference])).toEqual([
      ['mx-c.d.test', 10],
      ['mx-a.d.test', 20],
      ['mx-b.d.test', 20],
    ]);
    expect(asked.filter((k) => k === 'A mx-c.d.test')).toHaveLength(1);
    expect(r.truncated).toBeUndefined();
  });

  it('the domain itself is canonical: a trailing dot and capitals ask the same question', async () => {
    const { asked } = await resolve({ 'MX d.test': [{ exchange: 'mx.d.test', priority: 10 }], 'A mx.d.test': ['127.30.0.1'] }, { domain: 'D.Test.' });
    expect(asked[0]).toBe('MX d.test');
  });

  it('an address of the other family in an answer is ignored, and one written twice counts once', async () => {
    const { r } = await resolve({
      'MX d.test': [{ exchange: 'mx.d.test', priority: 10 }],
      'A mx.d.test': ['127.30.0.1', '::1', '127.30.0.1'],
      'AAAA mx.d.test': ['127.30.0.2', '::1', '0:0::1'],
    });
    expect(r.hosts[0]!.addresses.map((a) => [a.address, a.family])).toEqual([
      ['127.30.0.1', 4],
      ['::1', 6],
    ]);
  });
});

describe('fan-out caps', () => {
  const many = () => {
    const answers: Record<string, Answer> = { 'MX d.test': Array.from({ length: 4 }, (_, i) => ({ exchange: `mx${i}.d.test`, priority: i })) };
    for (let i = 0; i < 4; i++) answers[`A mx${i}.d.test`] = [`127.30.${i}.1`, `127.30.${i}.2`, `127.30.${i}.3`];
    return answers;
  };

  it('maxHosts resolves the most preferred hosts and counts the rest', async () => {
    const { r, asked } = await resolve(many(), { maxHosts: 2 });
    expect(r.hosts.map((h) => h.name)).toEqual(['mx0.d.test', 'mx1.d.test']);
    expect(asked).not.toContain('A mx2.d.test');
    expect(r.truncated).toMatchObject({ hosts: 2, addresses: 0, questionsRefused: 0 });
  });

  it('maxAddressesPerHost describes the first addresses of each host and counts the rest', async () => {
    const { r } = await resolve(many(), { maxAddressesPerHost: 1 });
    expect(r.hosts.map((h) => h.addresses.map((a) => a.address))).toEqual([['127.30.0.1'], ['127.30.1.1'], ['127.30.2.1'], ['127.30.3.1']]);
    expect(r.truncated).toMatchObject({ hosts: 0, addresses: 8, questionsRefused: 0 });
  });

  it('maxQuestions stops asking and reports what was asked and refused', async () => {
    const { r, asked } = await resolve(many(), { maxQuestions: 3 });
    expect(asked).toHaveLength(3);
    expect(r.truncated).toMatchObject({ hosts: 0, addresses: 0, questions: 3 });
    expect(r.truncated!.questionsRefused).toBeGreaterThan(0);
  });
});

describe('kinds of target', () => {
  it('host mode resolves the name itself, asks no MX, and has no preference', async () => {
    const { r, asked } = await resolve({ 'A smtp.d.test': ['127.30.0.1'] }, { domain: 'smtp.d.test', mode: 'host' });
    expect(asked).not.toContain('MX smtp.d.test');
    expect(r).toMatchObject({ mxKind: 'host', mx: { status: 'ok', ms: 0, records: [] } });
    expect(r.hosts).toHaveLength(1);
    expect(r.hosts[0]!.name).toBe('smtp.d.test');
    expect(r.hosts[0]).not.toHaveProperty('preference');
  });

  it('no MX record (NODATA) but an address: implicit MX on the domain itself', async () => {
    const { r } = await resolve({ 'MX d.test': 'ENODATA', 'A d.test': ['127.30.0.1'] });
    expect(r.mxKind).toBe('implicit');
    expect(r.hosts.map((h) => h.name)).toEqual(['d.test']);
    expect(r.hosts[0]).not.toHaveProperty('preference');
  });

  it('a domain that does not exist, or whose MX lookup failed, has no mail host and no address question', async () => {
    for (const code of ['ENOTFOUND', 'ESERVFAIL']) {
      const { r, asked } = await resolve({ 'MX d.test': code, 'A d.test': ['127.30.0.1'] });
      expect(r.mxKind).toBe('none');
      expect(r.hosts).toEqual([]);
      expect(asked).toEqual(['MX d.test']);
    }
  });

  it('an IDN host gets its Unicode display name; an ASCII one none', async () => {
    const { r } = await resolve({
      'MX d.test': [
        { exchange: 'xn--mnchen-3ya.d.test', priority: 10 },
        { exchange: 'mx.d.test', priority: 20 },
      ],
      'A xn--mnchen-3ya.d.test': ['127.30.0.1'],
      'A mx.d.test': ['127.30.0.2'],
    });
    expect(r.hosts[0]!.displayName).toBe('münchen.d.test');
    expect(r.hosts[1]).not.toHaveProperty('displayName');
  });

  it('an MX host that is an alias reports its CNAME target, canonical; a resolver without CNAME support reports none', async () => {
    const answers: Record<string, Answer> = {
      'MX d.test': [
        { exchange: 'alias.d.test', priority: 10 },
        { exchange: 'mx.d.test', priority: 20 },
      ],
      'A alias.d.test': ['127.30.0.1'],
      'A mx.d.test': ['127.30.0.2'],
      'CNAME alias.d.test': ['Real.D.Test.'],
      'CNAME mx.d.test': 'ENODATA',
    };
    const { r } = await resolve(answers, {}, true);
    expect(r.hosts[0]!.cnameTarget).toBe('real.d.test');
    expect(r.hosts[1]).not.toHaveProperty('cnameTarget');
    const without = await resolve(answers, {}, false);
    expect(without.r.hosts[0]).not.toHaveProperty('cnameTarget');
  });
});
