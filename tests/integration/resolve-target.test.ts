/**
 * resolveTarget and createResolver against the loopback fixture DNS server: every status the
 * resolver can report, the MX rules, and the per-address policy and PTR facts. Nothing here connects
 * to any address in the zone; the address policy is evaluated as a pure function.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAddressPolicy } from '@/lib/probe/address-policy';
import { classifyDnsError, createResolver } from '@/lib/probe/dns/resolver';
import { resolveTarget } from '@/lib/probe/dns/resolve-target';
import { DnsResultSchema, type DnsResult } from '@/lib/probe/schema';
import { systemClock, type DnsResolver } from '@/lib/probe/types';
import { reverseName, startDnsServer, type DnsServerHandle, type ZoneRecord } from '@/tests/fixtures/dns-server';

const bigMx: ZoneRecord[] = Array.from({ length: 60 }, (_, i) => ({
  name: 'big.test',
  type: 'MX' as const,
  preference: 60 - i,
  exchange: `mail-exchanger-number-${String(i).padStart(2, '0')}.a-rather-long-name.big.test`,
}));

const records: ZoneRecord[] = [
  // several preferences, a duplicate exchange, upper case and a trailing dot as servers send them
  { name: 'multi.test', type: 'MX', preference: 20, exchange: 'mx2.multi.test' },
  { name: 'multi.test', type: 'MX', preference: 10, exchange: 'mx1.multi.test' },
  { name: 'multi.test', type: 'MX', preference: 10, exchange: 'MXA.Multi.test.' },
  { name: 'multi.test', type: 'MX', preference: 30, exchange: 'mx1.multi.test' },
  { name: 'mx1.multi.test', type: 'A', address: '127.20.0.1' },
  { name: 'mxa.multi.test', type: 'A', address: '127.20.0.2' },
  { name: 'mx2.multi.test', type: 'AAAA', address: '::1' },
  { name: reverseName('127.20.0.1'), type: 'PTR', target: 'mx1.multi.test' },
  { name: reverseName('127.20.0.2'), type: 'PTR', target: 'liar.test' },
  { name: 'liar.test', type: 'A', address: '127.20.0.99' },
  { name: reverseName('::1'), type: 'PTR', target: 'mx2.multi.test' },

  { name: 'nullmx.test', type: 'MX', preference: 0, exchange: '.' },
  { name: 'mixednull.test', type: 'MX', preference: 0, exchange: '.' },
  { name: 'mixednull.test', type: 'MX', preference: 10, exchange: 'mx.mixednull.test' },
  { name: 'mx.mixednull.test', type: 'A', address: '127.20.0.3' },
  { name: reverseName('127.20.0.3'), type: 'PTR', target: 'slow-ptr-target.test' },

  { name: 'implicit.test', type: 'A', address: '127.20.0.4' },
  { name: 'implicit.test', type: 'AAAA', address: '::1' },
  // noaddr.test exists only as an empty non-terminal: MX and A/AAAA are all NODATA
  { name: 'sub.noaddr.test', type: 'A', address: '127.20.0.9' },

  { name: 'both.host.test', type: 'A', address: '127.20.0.5' },
  { name: 'both.host.test', type: 'AAAA', address: '::1' },
  { name: 'v6only.host.test', type: 'AAAA', address: '::1' },
  // a host name that also has MX records: host mode must not look at them
  { name: 'both.host.test', type: 'MX', preference: 10, exchange: 'elsewhere.test' },

  { name: 'noaddrmx.test', type: 'MX', preference: 10, exchange: 'ghost.noaddrmx.test' },
  { name: 'noaddrmx.test', type: 'MX', preference: 20, exchange: 'mx.noaddrmx.test' },
  { name: 'mx.noaddrmx.test', type: 'A', address: '127.20.0.6' },

  { name: 'idn.test', type: 'MX', preference: 10, exchange: 'xn--mnchen-3ya.idn.test' },
  { name: 'xn--mnchen-3ya.idn.test', type: 'A', address: '127.20.0.7' },

  { name: 'policy.test', type: 'MX', preference: 10, exchange: 'mx.policy.test' },
  { name: 'mx.policy.test', type: 'A', address: '127.20.0.8' },
  { name: 'mx.policy.test', type: 'A', address: '192.0.2.10' },
  { name: 'mx.policy.test', type: 'A', address: '10.1.2.3' },
  { name: 'mx.policy.test', type: 'AAAA', address: '2001:db8::25' },
  { name: 'mx.policy.test', type: 'AAAA', address: '::1' },
  { name: reverseName('192.0.2.10'), type: 'PTR', target: 'internal-secret.test' },

  { name: 'cname.test', type: 'MX', preference: 10, exchange: 'alias.cname.test' },
  { name: 'alias.cname.test', type: 'CNAME', target: 'real.cname.test' },
  { name: 'real.cname.test', type: 'A', address: '127.20.0.10' },

  ...bigMx,
];

let server: DnsServerHandle;
let resolver: DnsResolver;
const policy = createAddressPolicy({ allowCidrs: ['127.0.0.0/8', '::1/128'] });

beforeAll(async () => {
  server = await startDnsServer({
    records,
    servfail: ['servfail.test', reverseName('127.20.0.4')],
    refused: ['refused.test'],
    timeout: ['slow.test', 'slow-ptr-target.test', reverseName('127.20.0.6')],
  });
  // Generous enough for a loaded machine (the fixture answers from this same event loop); the
  // names marked timeout still make each timeout case cost this much.
  resolver = createResolver({ servers: [server.servers], timeoutMs: 1_000, tries: 1 });
});

afterAll(async () => {
  await server?.close();
});

async function check(domain: string, mode: 'domain' | 'host' = 'domain'): Promise<DnsResult> {
  const result = await resolveTarget({ domain, mode, resolver, policy, clock: systemClock });
  // Every result must be valid under the one schema that the store, SSE and CLI parse with.
  return DnsResultSchema.parse(result);
}

async function errorOf(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected the lookup to fail');
}

describe('createResolver + classifyDnsError against the fixture server', () => {
  it('tells NXDOMAIN, NODATA, SERVFAIL, REFUSED and timeout apart', async () => {
    expect(classifyDnsError(await errorOf(resolver.resolve4('missing.test')))).toEqual({ status: 'nxdomain', errorCode: 'ENOTFOUND' });
    expect(classifyDnsError(await errorOf(resolver.resolve6('mx1.multi.test')))).toEqual({ status: 'nodata', errorCode: 'ENODATA' });
    expect(classifyDnsError(await errorOf(resolver.resolve4('servfail.test')))).toEqual({ status: 'servfail', errorCode: 'ESERVFAIL' });
    expect(classifyDnsError(await errorOf(resolver.resolve4('refused.test')))).toEqual({ status: 'refused', errorCode: 'EREFUSED' });
    const t0 = performance.now();
    expect(classifyDnsError(await errorOf(resolver.resolve4('slow.test')))).toEqual({ status: 'timeout', errorCode: 'ETIMEOUT' });
    expect(performance.now() - t0).toBeLessThan(5_000);
  });

  it('uses exactly the servers it was given, and names match case-insensitively', async () => {
    expect(resolver.getServers()).toEqual([server.servers]);
    expect(await resolver.resolve4('MX1.Multi.TEST')).toEqual(['127.20.0.1']);
  });

  it('answers reverse lookups from DNS alone, keeping SERVFAIL and timeout apart from NXDOMAIN', async () => {
    const before = server.queries.length;
    // 127.0.0.1 is in /etc/hosts on most machines; gethostbyaddr would answer from there
    expect(classifyDnsError(await errorOf(resolver.reverse('127.0.0.1')))).toEqual({ status: 'nxdomain', errorCode: 'ENOTFOUND' });
    expect(server.queries.slice(before)).toContainEqual({ name: '1.0.0.127.in-addr.arpa', type: 'PTR', transport: 'udp' });
    expect(await resolver.reverse('127.20.0.1')).toEqual(['mx1.multi.test']);
    expect(await resolver.reverse('::1')).toEqual(['mx2.multi.test']);
    expect(classifyDnsError(await errorOf(resolver.reverse('127.20.0.4')))).toEqual({ status: 'servfail', errorCode: 'ESERVFAIL' });
    expect(classifyDnsError(await errorOf(resolver.reverse('127.20.0.6')))).toEqual({ status: 'timeout', errorCode: 'ETIMEOUT' });
  });

  it('falls back to TCP when the answer does not fit in UDP', async () => {
    const before = server.queries.length;
    const mx = await resolver.resolveMx('big.test');
    expect(mx).toHaveLength(60);
    expect(server.queries.slice(before).some((q) => q.name === 'big.test' && q.transport === 'tcp')).toBe(true);
  });
});

describe('resolveTarget in domain mode', () => {
  it('sorts MX records by preference then name, and probes each exchange once at its best preference', async () => {
    const r = await check('multi.test');
    expect(r.mxKind).toBe('explicit');
    expect(r.mx.status).toBe('ok');
    expect(r.mx.records).toEqual([
      { exchange: 'mx1.multi.test', preference: 10 },
      { exchange: 'mxa.multi.test', preference: 10 },
      { exchange: 'mx2.multi.test', preference: 20 },
      { exchange: 'mx1.multi.test', preference: 30 },
    ]);
    expect(r.hosts.map((h) => [h.name, h.preference])).toEqual([
      ['mx1.multi.test', 10],
      ['mxa.multi.test', 10],
      ['mx2.multi.test', 20],
    ]);
    expect(r.servers).toEqual([server.servers]);
  });

  it('reports AAAA-only MX hosts with A as nodata', async () => {
    const r = await check('multi.test');
    const mx2 = r.hosts.find((h) => h.name === 'mx2.multi.test');
    expect(mx2?.a).toMatchObject({ status: 'nodata', errorCode: 'ENODATA' });
    expect(mx2?.aaaa.status).toBe('ok');
    expect(mx2?.addresses.map((a) => [a.address, a.family])).toEqual([['::1', 6]]);
  });

  it('forward-confirms PTR names, for IPv4 and IPv6, and says so when the PTR name points elsewhere', async () => {
    const r = await check('multi.test');
    const byAddr = new Map(r.hosts.flatMap((h) => h.addresses).map((a) => [a.address, a]));
    expect(byAddr.get('127.20.0.1')?.ptr).toMatchObject({ lookup: { status: 'ok' }, names: ['mx1.multi.test'], forwardConfirmed: true });
    expect(byAddr.get('127.20.0.2')?.ptr).toMatchObject({ lookup: { status: 'ok' }, names: ['liar.test'], forwardConfirmed: false });
    expect(byAddr.get('::1')?.ptr).toMatchObject({ names: ['mx2.multi.test'], forwardConfirmed: true });
  });

  it('treats a lone "." MX as null MX and resolves no host', async () => {
    const before = server.queries.length;
    const r = await check('nullmx.test');
    expect(r.mxKind).toBe('null');
    expect(r.mx.records).toEqual([{ exchange: '', preference: 0 }]);
    expect(r.hosts).toEqual([]);
    expect(server.queries.slice(before).map((q) => q.type)).toEqual(['MX']);
  });

  it('probes the real hosts when a null MX is mixed with other MX records, keeping "." in the records', async () => {
    const r = await check('mixednull.test');
    expect(r.mxKind).toBe('explicit');
    expect(r.mx.records).toEqual([
      { exchange: '', preference: 0 },
      { exchange: 'mx.mixednull.test', preference: 10 },
    ]);
    expect(r.hosts.map((h) => h.name)).toEqual(['mx.mixednull.test']);
  });

  it('cannot confirm a PTR name whose forward lookup times out (null, not false)', async () => {
    const r = await check('mixednull.test');
    expect(r.hosts[0]?.addresses[0]?.ptr).toMatchObject({ names: ['slow-ptr-target.test'], forwardConfirmed: null });
  });

  it('uses the domain itself as implicit MX when it has no MX but has addresses', async () => {
    const r = await check('implicit.test');
    expect(r.mxKind).toBe('implicit');
    expect(r.mx).toMatchObject({ status: 'nodata', errorCode: 'ENODATA', records: [] });
    expect(r.hosts).toHaveLength(1);
    expect(r.hosts[0]?.name).toBe('implicit.test');
    expect(r.hosts[0]?.preference).toBeUndefined();
    expect(r.hosts[0]?.addresses.map((a) => a.address)).toEqual(['127.20.0.4', '::1']);
    // a SERVFAIL on the reverse lookup leaves FCrDNS undeterminable
    expect(r.hosts[0]?.addresses[0]?.ptr).toMatchObject({ lookup: { status: 'servfail' }, names: [], forwardConfirmed: null });
  });

  it('reports none when the domain has neither MX nor addresses', async () => {
    const r = await check('noaddr.test');
    expect(r.mxKind).toBe('none');
    expect(r.mx.status).toBe('nodata');
    expect(r.hosts).toEqual([]);
  });

  it.each([
    ['missing.test', 'nxdomain', 'ENOTFOUND'],
    ['servfail.test', 'servfail', 'ESERVFAIL'],
    ['refused.test', 'refused', 'EREFUSED'],
    ['slow.test', 'timeout', 'ETIMEOUT'],
  ])('reports none with the MX status when %s fails (%s)', async (domain, status, code) => {
    const before = server.queries.length;
    const r = await check(domain);
    expect(r.mxKind).toBe('none');
    expect(r.mx).toMatchObject({ status, errorCode: code, records: [] });
    expect(r.hosts).toEqual([]);
    // no implicit-MX fallback for a domain that does not exist or could not be asked
    expect(server.queries.slice(before).every((q) => q.type === 'MX')).toBe(true);
  });

  it('keeps an MX host without addresses in the result, with its lookup statuses', async () => {
    const r = await check('noaddrmx.test');
    expect(r.mxKind).toBe('explicit');
    const ghost = r.hosts[0];
    expect(ghost?.name).toBe('ghost.noaddrmx.test');
    expect(ghost?.a).toMatchObject({ status: 'nxdomain', errorCode: 'ENOTFOUND' });
    expect(ghost?.aaaa).toMatchObject({ status: 'nxdomain' });
    expect(ghost?.addresses).toEqual([]);
    expect(r.hosts[1]?.addresses.map((a) => a.address)).toEqual(['127.20.0.6']);
    // its reverse lookup times out: FCrDNS undeterminable
    expect(r.hosts[1]?.addresses[0]?.ptr).toMatchObject({ lookup: { status: 'timeout', errorCode: 'ETIMEOUT' }, forwardConfirmed: null });
  });

  it('keeps an IDN exchange in ASCII and adds its Unicode display name', async () => {
    const r = await check('idn.test');
    expect(r.mx.records).toEqual([{ exchange: 'xn--mnchen-3ya.idn.test', preference: 10 }]);
    expect(r.hosts[0]).toMatchObject({ name: 'xn--mnchen-3ya.idn.test', displayName: 'münchen.idn.test' });
    expect(r.hosts[0]?.addresses[0]?.address).toBe('127.20.0.7');
  });

  it('follows a CNAME from the MX exchange to its addresses', async () => {
    const r = await check('cname.test');
    expect(r.hosts[0]?.addresses.map((a) => a.address)).toEqual(['127.20.0.10']);
  });

  it('applies the address policy to every address, and does no reverse lookup for refused ones', async () => {
    const before = server.queries.length;
    const r = await check('policy.test');
    const byAddr = new Map(r.hosts[0]?.addresses.map((a) => [a.address, a]));
    expect([...byAddr.keys()]).toEqual(['127.20.0.8', '192.0.2.10', '10.1.2.3', '2001:db8::25', '::1']);
    expect(byAddr.get('127.20.0.8')?.policy).toEqual({ allowed: true, range: 'loopback', allowedByConfig: true });
    expect(byAddr.get('::1')?.policy).toEqual({ allowed: true, range: 'loopback', allowedByConfig: true });
    expect(byAddr.get('192.0.2.10')?.policy).toEqual({ allowed: false, range: 'documentation' });
    expect(byAddr.get('10.1.2.3')?.policy).toEqual({ allowed: false, range: 'private' });
    expect(byAddr.get('2001:db8::25')?.policy).toEqual({ allowed: false, range: 'documentation' });
    expect(byAddr.get('192.0.2.10')?.ptr).toBeUndefined();
    expect(byAddr.get('127.20.0.8')?.ptr?.lookup.status).toBe('nxdomain');
    expect(byAddr.get('127.20.0.8')?.ptr?.forwardConfirmed).toBe(false);
    const ptrQuestions = server.queries.slice(before).filter((q) => q.type === 'PTR').map((q) => q.name);
    expect(ptrQuestions).not.toContain(reverseName('192.0.2.10'));
    expect(ptrQuestions).not.toContain(reverseName('10.1.2.3'));
    expect(ptrQuestions).toContain(reverseName('127.20.0.8'));
  });

  it('stops waiting on the abort signal and returns what it has, without throwing', async () => {
    const slowResolver = createResolver({ servers: [server.servers], timeoutMs: 10_000, tries: 1 });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    const t0 = performance.now();
    const r = await resolveTarget({ domain: 'slow.test', mode: 'domain', resolver: slowResolver, policy, clock: systemClock, signal: ac.signal });
    // Not waiting for the resolver's own 10 s timeout; generous, so only a hang fails it.
    expect(performance.now() - t0).toBeLessThan(5_000);
    expect(r.mxKind).toBe('none');
    expect(r.mx).toMatchObject({ status: 'error', errorCode: 'ECANCELLED' });
  });
});

describe('resolveTarget in host mode', () => {
  it('resolves A and AAAA of the named host and never asks for its MX', async () => {
    const before = server.queries.length;
    const r = await check('both.host.test', 'host');
    expect(r.mxKind).toBe('host');
    expect(r.mx.records).toEqual([]);
    expect(r.hosts).toHaveLength(1);
    expect(r.hosts[0]?.name).toBe('both.host.test');
    expect(r.hosts[0]?.a.status).toBe('ok');
    expect(r.hosts[0]?.aaaa.status).toBe('ok');
    expect(r.hosts[0]?.addresses.map((a) => [a.address, a.family])).toEqual([
      ['127.20.0.5', 4],
      ['::1', 6],
    ]);
    expect(server.queries.slice(before).some((q) => q.type === 'MX')).toBe(false);
  });

  it('handles an AAAA-only host', async () => {
    const r = await check('v6only.host.test', 'host');
    expect(r.hosts[0]?.a.status).toBe('nodata');
    expect(r.hosts[0]?.addresses.map((a) => a.address)).toEqual(['::1']);
  });

  it('keeps the host with its statuses when it does not exist', async () => {
    const r = await check('nothere.host.test', 'host');
    expect(r.mxKind).toBe('host');
    expect(r.hosts[0]?.a.status).toBe('nxdomain');
    expect(r.hosts[0]?.aaaa.status).toBe('nxdomain');
    expect(r.hosts[0]?.addresses).toEqual([]);
  });
});
