/**
 * mxray against a real authoritative DNS server (NSD) serving the zone in
 * tests/fixtures/interop/nsd.ts: MX preferences, null MX, implicit MX, an AAAA-only host, PTRs that
 * do and do not forward-confirm, NODATA and NXDOMAIN — as the engine reads them through DNS_SERVERS.
 */
import { describe, expect, it } from 'vitest';
import { check, codesAt, lab } from '@/tests/fixtures/interop/check';
import { CHAIN_PTR, DNS_ADDRESS, DOMAINS, HOSTS, PLAIN_PTR, V6ONLY_HOST } from '@/tests/fixtures/interop/plan';

const allowedLoopback = { allowed: true, range: 'loopback', allowedByConfig: true };

/** Domain-scope findings about DNS, without the policy ones every domain check now carries (issue 12). */
const dnsFindings = (r: { findings: { scope: string; code: string; severity: string }[] }) =>
  r.findings.filter((f) => f.scope === 'domain' && !/^(mta-sts|tls-rpt|dnssec|dane)\./.test(f.code));

describe('DNS through NSD', () => {
  it('asks only the configured server', async () => {
    const { result } = await check(DOMAINS.good);
    expect(result.dns.servers).toEqual([DNS_ADDRESS]);
    expect(lab().env.DNS_SERVERS).toBe(`${DNS_ADDRESS}:53`);
  });

  it('sorts MX records by preference and resolves every host with its PTR, forward-confirmed', async () => {
    const { result } = await check(DOMAINS.good);
    const { dns } = result;
    expect(dns.mx.status).toBe('ok');
    expect(dns.mxKind).toBe('explicit');
    // The zone lists preference 20 first; the report must not follow the wire order.
    expect(dns.mx.records).toEqual([
      { exchange: HOSTS.mx1.name, preference: 10 },
      { exchange: HOSTS.mx2.name, preference: 20 },
    ]);
    expect(dns.hosts.map((h) => [h.name, h.preference])).toEqual([
      [HOSTS.mx1.name, 10],
      [HOSTS.mx2.name, 20],
    ]);
    for (const [host, plan] of [
      [dns.hosts[0], HOSTS.mx1],
      [dns.hosts[1], HOSTS.mx2],
    ] as const) {
      expect(host?.a.status).toBe('ok');
      // The names exist but have no AAAA: NODATA, not NXDOMAIN and not an error.
      expect(host?.aaaa.status).toBe('nodata');
      expect(host?.addresses).toEqual([
        {
          address: plan.address,
          family: 4,
          policy: allowedLoopback,
          ptr: { lookup: expect.objectContaining({ status: 'ok' }), names: [plan.name], forwardConfirmed: true },
        },
      ]);
    }
    // Nothing about DNS; the only address-level findings are the relay test's (closed on both).
    expect(result.findings.filter((f) => f.scope === 'address').map((f) => f.code)).toEqual(['relay.closed', 'relay.closed']);
  });

  it('reports a null MX (MX 0 .) as "accepts no mail" and probes nothing', async () => {
    const { result } = await check(DOMAINS.nullMx);
    expect(result.dns.mx).toMatchObject({ status: 'ok', records: [{ exchange: '', preference: 0 }] });
    expect(result.dns.mxKind).toBe('null');
    expect(result.dns.hosts).toEqual([]);
    expect(result.probes).toEqual([]);
    expect(result.findings.map((f) => [f.code, f.severity])).toEqual([['mx.null', 'info']]);
  });

  it('falls back to the domain’s own address when it has no MX (implicit MX)', async () => {
    const { result } = await check(DOMAINS.implicit);
    expect(result.dns.mx).toMatchObject({ status: 'nodata', records: [] });
    expect(result.dns.mxKind).toBe('implicit');
    expect(result.dns.hosts).toHaveLength(1);
    const host = result.dns.hosts[0];
    expect(host?.name).toBe(DOMAINS.implicit);
    expect(host?.preference).toBeUndefined();
    expect(host?.addresses.map((a) => a.address)).toEqual([HOSTS.mx1.address]);
    // The PTR of that address names mx1, whose A is this address: confirmed.
    expect(host?.addresses[0]?.ptr).toMatchObject({ names: [HOSTS.mx1.name], forwardConfirmed: true });
    // DNS findings only: the domain's transport-security policy findings (mta-sts.*, tls-rpt.*) are pinned elsewhere.
    expect(dnsFindings(result).map((f) => [f.code, f.severity])).toEqual([['mx.implicit', 'warning']]);
    // The certificate names the domain too, so the probe of port 25 matches it.
    const p25 = result.probes.find((p) => p.port === 25);
    expect(p25?.tls?.hostnameMatch).toBe(true);
    expect(p25?.tls?.servername).toBe(DOMAINS.implicit);
  });

  it('resolves an AAAA-only host and refuses to connect to its ::1 (outside PROBE_ALLOW_CIDRS)', async () => {
    const { result } = await check(DOMAINS.v6only);
    expect(result.dns.mxKind).toBe('explicit');
    const host = result.dns.hosts[0];
    expect(host?.name).toBe(V6ONLY_HOST);
    expect(host?.a.status).toBe('nodata');
    expect(host?.aaaa.status).toBe('ok');
    // A refused address gets no reverse lookup at all.
    expect(host?.addresses).toEqual([{ address: '::1', family: 6, policy: { allowed: false, range: 'loopback' } }]);
    expect(result.probes.map((p) => [p.port, p.outcome, p.phase])).toEqual([
      [25, 'blocked-target', 'policy'],
      [465, 'blocked-target', 'policy'],
      [587, 'blocked-target', 'policy'],
      [2525, 'blocked-target', 'policy'],
    ]);
    for (const p of result.probes) {
      expect(p.transcript.some((t) => t.dir === 'c' || t.dir === 's')).toBe(false);
      expect(p.timings.connectMs).toBeUndefined();
    }
    expect(codesAt(result, '::1')).toEqual(['address.blocked-target']);
    expect(dnsFindings(result).map((f) => f.code)).toEqual(['mx.untested']);
  });

  it('tells PTRs that do not forward-confirm from missing ones', async () => {
    const plain = (await check(DOMAINS.plain)).result;
    const plainAddr = plain.dns.hosts[0]?.addresses[0];
    // mail.elsewhere.interop.test exists, with another address.
    expect(plainAddr?.ptr).toMatchObject({ lookup: { status: 'ok' }, names: [PLAIN_PTR], forwardConfirmed: false });
    expect(codesAt(plain, HOSTS.plain.address)).toEqual(['ptr.not-forward-confirmed', 'relay.closed']);
    expect(plain.findings.find((f) => f.code === 'ptr.not-forward-confirmed')?.params).toEqual({ address: HOSTS.plain.address, ptr: PLAIN_PTR });

    const chain = (await check(DOMAINS.chain)).result;
    // ghost.interop.test does not exist at all: NXDOMAIN is an answer, so "not confirmed".
    expect(chain.dns.hosts[0]?.addresses[0]?.ptr).toMatchObject({ lookup: { status: 'ok' }, names: [CHAIN_PTR], forwardConfirmed: false });
    expect(codesAt(chain, HOSTS.chain.address)).toEqual(['ptr.not-forward-confirmed', 'relay.closed']);

    const expired = (await check(DOMAINS.expired)).result;
    // No PTR for this address in a zone NSD is authoritative for: NXDOMAIN.
    expect(expired.dns.hosts[0]?.addresses[0]?.ptr).toMatchObject({ lookup: { status: 'nxdomain' }, names: [], forwardConfirmed: false });
    expect(codesAt(expired, HOSTS.expired.address)).toEqual(['ptr.missing', 'relay.closed']);
  });

  it('says "cannot receive mail" for a name with neither MX nor address', async () => {
    const { result } = await check(DOMAINS.empty);
    expect(result.dns.mx.status).toBe('nodata');
    expect(result.dns.mxKind).toBe('none');
    expect(result.probes).toEqual([]);
    expect(result.findings.map((f) => [f.code, f.severity])).toEqual([['mx.none', 'critical']]);
  });

  it('says "does not exist" for NXDOMAIN', async () => {
    const { result } = await check(DOMAINS.missing);
    expect(result.dns.mx).toMatchObject({ status: 'nxdomain', records: [] });
    expect(result.dns.mxKind).toBe('none');
    expect(result.probes).toEqual([]);
    expect(result.findings.map((f) => [f.code, f.severity])).toEqual([['dns.nxdomain', 'critical']]);
  });

  it('host mode resolves the named server without consulting MX', async () => {
    const { result } = await check(HOSTS.mx2.name, 'host');
    expect(result.dns.mxKind).toBe('host');
    expect(result.dns.mx.records).toEqual([]);
    expect(result.dns.hosts.map((h) => [h.name, h.addresses.map((a) => a.address)])).toEqual([[HOSTS.mx2.name, [HOSTS.mx2.address]]]);
  });
});
