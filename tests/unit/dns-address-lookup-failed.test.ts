/**
 * An MX host whose A/AAAA lookups timed out (or failed with REFUSED or another resolver error) is not
 * known to lack addresses: it is "could not test", never the critical "MX host has no address" nor
 * "no mail server is reachable". NXDOMAIN and NODATA are answers and stay definitive. The same holds
 * for the implicit MX (RFC 5321 §5.1): no MX plus a timed-out A lookup is not "cannot receive mail".
 * A DNS failure that leaves nothing to probe ends the CLI with exit code 2, in host mode too.
 */
import { describe, expect, it } from 'vitest';
import { exitCodeFor } from '@/cli/check-command';
import { createAddressPolicy } from '@/lib/probe/address-policy';
import { resolveTarget } from '@/lib/probe/dns/resolve-target';
import { evaluateFindings } from '@/lib/probe/findings/evaluate';
import { summarize } from '@/lib/probe/findings/summarize';
import { CheckResultSchema, type CheckResult, type DnsResult, type DnsStatus, type HostDns } from '@/lib/probe/schema';
import { systemClock, type DnsResolver } from '@/lib/probe/types';

const host = (a: DnsStatus, aaaa: DnsStatus): HostDns => ({
  name: 'mx.example.test',
  preference: 10,
  a: { status: a, ms: 1 },
  aaaa: { status: aaaa, ms: 1 },
  addresses: [],
});
const explicit = (h: HostDns): DnsResult => ({
  mx: { status: 'ok', ms: 1, records: [{ exchange: h.name, preference: 10 }] },
  mxKind: 'explicit',
  hosts: [h],
  servers: ['127.0.0.1'],
});
const findingsOf = (dns: DnsResult, mode: 'domain' | 'host' = 'domain') => evaluateFindings({ mode, domain: 'example.test', dns, probes: [] });

function resultOf(dns: DnsResult, mode: 'domain' | 'host'): CheckResult {
  const findings = findingsOf(dns, mode);
  const result: CheckResult = {
    schemaVersion: 1,
    target: { input: 'example.test', domain: 'example.test', displayDomain: 'example.test', mode },
    startedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: '2026-01-01T00:00:01.000Z',
    durationMs: 1000,
    ehloName: 'probe.mxray.test',
    dns,
    probes: [],
    findings,
    summary: summarize({ mode, probes: [], findings, hosts: dns.hosts.length, addresses: 0 }),
    incomplete: false,
  };
  return CheckResultSchema.parse(result);
}

function resolverOf(answers: Record<string, string[] | string>): DnsResolver {
  const ask = <T>(key: string): Promise<T> => {
    const a = answers[key];
    if (a === undefined || typeof a === 'string') return Promise.reject(Object.assign(new Error(key), { code: a ?? 'ENOTFOUND' }));
    return Promise.resolve(a as T);
  };
  return {
    resolveMx: (n) => ask(`MX ${n}`),
    resolve4: (n) => ask(`A ${n}`),
    resolve6: (n) => ask(`AAAA ${n}`),
    reverse: (ip) => ask(`PTR ${ip}`),
    getServers: () => ['127.0.0.1'],
  };
}
const policy = createAddressPolicy({ allowCidrs: ['127.0.0.0/8'] });

describe('MX host addresses that could not be looked up', () => {
  it.each([
    ['timeout', 'nodata'],
    ['nodata', 'timeout'],
    ['refused', 'refused'],
    ['error', 'timeout'],
  ] as const)('A %s / AAAA %s: could not test, nothing critical', (a, aaaa) => {
    const f = findingsOf(explicit(host(a, aaaa)));
    expect(f.map((x) => x.code).sort()).toEqual(['mx.address-lookup-failed', 'mx.untested']);
    expect(f.every((x) => x.untested)).toBe(true);
    expect(exitCodeFor(resultOf(explicit(host(a, aaaa)), 'domain'))).toBe(2);
  });

  it.each([
    ['nxdomain', 'nxdomain'],
    ['nodata', 'nodata'],
    ['nxdomain', 'timeout'],
  ] as const)('A %s / AAAA %s: the host has no address (definitive)', (a, aaaa) => {
    const f = findingsOf(explicit(host(a, aaaa)));
    expect(f.map((x) => `${x.code}:${x.severity}`).sort()).toEqual(['mx.all-unreachable:critical', 'mx.no-address:critical']);
    expect(exitCodeFor(resultOf(explicit(host(a, aaaa)), 'domain'))).toBe(1);
  });

  it('host mode: a server name that does not exist is bad input (exit 2), one without addresses a finding (exit 1)', () => {
    const hostMode = (h: HostDns): DnsResult => ({ mx: { status: 'ok', ms: 0, records: [] }, mxKind: 'host', hosts: [{ name: h.name, a: h.a, aaaa: h.aaaa, addresses: [] }], servers: [] });
    expect(exitCodeFor(resultOf(hostMode(host('nxdomain', 'nxdomain')), 'host'))).toBe(2);
    expect(exitCodeFor(resultOf(hostMode(host('timeout', 'timeout')), 'host'))).toBe(2);
    expect(exitCodeFor(resultOf(hostMode(host('nodata', 'nodata')), 'host'))).toBe(1);
  });

  it('implicit MX whose A lookup timed out is kept (not "cannot receive mail")', async () => {
    const resolver = resolverOf({ 'MX example.test': 'ENODATA', 'A example.test': 'ETIMEOUT', 'AAAA example.test': 'ENODATA' });
    const dns = await resolveTarget({ domain: 'example.test', mode: 'domain', resolver, policy, clock: systemClock });
    expect(dns.mxKind).toBe('implicit');
    expect(dns.hosts.map((h) => [h.name, h.a.status, h.addresses.length])).toEqual([['example.test', 'timeout', 0]]);
    const f = findingsOf(dns);
    expect(f.map((x) => x.code)).not.toContain('mx.none');
    expect(f.filter((x) => x.severity === 'critical')).toEqual([]);
  });

  it('implicit MX with no address at all is still "none"', async () => {
    const resolver = resolverOf({ 'MX example.test': 'ENODATA', 'A example.test': 'ENODATA', 'AAAA example.test': 'ENODATA' });
    const dns = await resolveTarget({ domain: 'example.test', mode: 'domain', resolver, policy, clock: systemClock });
    expect(dns.mxKind).toBe('none');
    expect(findingsOf(dns).map((x) => x.code)).toEqual(['mx.none']);
  });
});
