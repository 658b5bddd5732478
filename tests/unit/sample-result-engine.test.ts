/**
 * The sample result the report, CSV, embed and badge tests read must be one the engine can
 * produce: its DNS part is what resolveTarget builds from the same DNS answers (no PTR combination
 * the resolver never returns), its findings and summary are what the rules derive from its own DNS
 * data and probes, and every address it resolved was probed on every port, once.
 */
import { describe, expect, it } from 'vitest';
import { resolveTarget } from '@/lib/probe/dns/resolve-target';
import { evaluateFindings } from '@/lib/probe/findings/evaluate';
import { summarize } from '@/lib/probe/findings/summarize';
import { PORTS, type DnsResult } from '@/lib/probe/schema';
import type { DnsResolver } from '@/lib/probe/types';
import { SAMPLE_RESULT } from '@/tests/fixtures/sample-result';

const dns = SAMPLE_RESULT.dns;

/** The answers a DNS server would give for the sample's zone, as node:dns reports them. */
function sampleResolver(): DnsResolver {
  const fail = (code: string) => Promise.reject(Object.assign(new Error(code), { code }));
  const hostAddresses = (name: string, family: 4 | 6) =>
    dns.hosts.find((h) => h.name === name)?.addresses.filter((a) => a.family === family).map((a) => a.address);
  return {
    resolveMx: async (name) => {
      if (name !== SAMPLE_RESULT.target.domain) return fail('ENOTFOUND');
      return dns.mx.records.map((r) => ({ exchange: r.exchange === '' ? '.' : r.exchange, priority: r.preference }));
    },
    resolve4: async (name) => hostAddresses(name, 4) ?? fail('ENOTFOUND'),
    resolve6: async (name) => hostAddresses(name, 6) ?? fail('ENOTFOUND'),
    reverse: async (address) => {
      const ptr = dns.hosts.flatMap((h) => h.addresses).find((a) => a.address === address)?.ptr;
      if (!ptr || ptr.lookup.status !== 'ok') return fail(ptr?.lookup.errorCode ?? 'ENOTFOUND');
      return ptr.names;
    },
    getServers: () => dns.servers,
  };
}

/** Durations aside: they are measured, not derived. */
function withoutTimes(d: DnsResult): unknown {
  return JSON.parse(JSON.stringify(d, (key, value: unknown) => (key === 'ms' ? 0 : value)));
}

describe('sample result against the engine', () => {
  it('its DNS data is what resolveTarget builds from the same answers', async () => {
    const built = await resolveTarget({
      domain: SAMPLE_RESULT.target.domain,
      mode: 'domain',
      resolver: sampleResolver(),
      // Documentation addresses stand in for public ones here: judge them as the policy judges a
      // public unicast address.
      policy: () => ({ allowed: true }),
      clock: { now: () => 0, monotonic: () => 0 },
    });
    expect(withoutTimes(built)).toEqual(withoutTimes(dns));
  });

  it('every PTR is a combination the resolver returns', () => {
    for (const a of dns.hosts.flatMap((h) => h.addresses)) {
      const ptr = a.ptr!;
      if (ptr.lookup.status === 'ok') expect(ptr.names.length > 0 || ptr.forwardConfirmed === false).toBe(true);
      else if (ptr.lookup.status === 'nxdomain' || ptr.lookup.status === 'nodata') expect([ptr.names, ptr.forwardConfirmed]).toEqual([[], false]);
      else expect([ptr.names, ptr.forwardConfirmed]).toEqual([[], null]);
    }
  });

  it('its findings and summary are what the rules derive from its DNS data and probes', () => {
    const { mode, domain } = SAMPLE_RESULT.target;
    const findings = evaluateFindings({ mode, domain, dns, probes: SAMPLE_RESULT.probes });
    expect(SAMPLE_RESULT.findings).toEqual(findings);
    expect(SAMPLE_RESULT.summary).toEqual(summarize({ mode, probes: SAMPLE_RESULT.probes, findings, hosts: 2, addresses: 4 }));
    // the DNS-derived findings are there: a PTR that does not confirm, and one that is missing
    expect(findings.filter((f) => f.scope === 'address').map((f) => `${f.code}@${f.address}`)).toEqual([
      'ptr.not-forward-confirmed@198.51.100.20',
      'ptr.missing@2001:db8:1::20',
    ]);
  });

  it('every resolved address was probed on every port, exactly once, and nothing else was', () => {
    const resolved = dns.hosts.flatMap((h) => h.addresses.map((a) => ({ host: h.name, address: a.address, family: a.family })));
    const expected = resolved.flatMap((r) => PORTS.map((port) => `${r.host}|${r.address}|${r.family}|${port}`)).sort();
    expect(SAMPLE_RESULT.probes.map((p) => `${p.host}|${p.address}|${p.family}|${p.port}`).sort()).toEqual(expected);
  });

  it('each probe is shaped as the prober reports its outcome', () => {
    for (const p of SAMPLE_RESULT.probes) {
      const where = `${p.address}:${p.port}`;
      if (p.outcome === 'connection-refused' || p.outcome === 'connection-timeout') {
        expect([where, p.phase, p.greeting, p.tls, p.encryption]).toEqual([where, 'connect', undefined, undefined, 'unknown']);
      } else if (p.outcome === 'success') {
        expect([where, p.phase, p.greeting?.code]).toEqual([where, 'done', 220]);
        expect([where, p.encryption]).toEqual([where, p.port === 465 ? 'implicit-tls' : p.tls ? 'starttls' : 'none']);
        if (p.port !== 465) expect([where, Boolean(p.ehlo?.starttls)]).toEqual([where, Boolean(p.tls)]);
        if (p.tls) expect([where, p.tls.servername, p.tls.trusted]).toEqual([where, p.host, p.tls.chain[0]!.daysLeft >= 0]);
      } else {
        expect([where, p.outcome, p.greeting, p.tls]).toEqual([where, 'io-timeout', undefined, undefined]);
      }
    }
  });
});
