/**
 * MTA-STS and TLS-RPT end to end on loopback (127.112.0.0/16): policy TXT records from the test DNS
 * server, policies over real HTTPS on port 443 with the tests' own CA, MX hosts on port 25 with
 * STARTTLS, all through runCheck. Each scenario domain pins one finding.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAddressPolicy } from '@/lib/probe/address-policy';
import { createResolver } from '@/lib/probe/dns/resolver';
import { runCheck } from '@/lib/probe/run-check';
import { CheckEventSchema, CheckResultSchema, type CheckEvent, type CheckResult, type Finding } from '@/lib/probe/schema';
import { createTlsContext } from '@/lib/probe/tls/tls-context';
import { DEFAULT_LIMITS } from '@/lib/probe/types';
import { startDnsServer, type DnsServerHandle, type ZoneRecord } from '@/tests/fixtures/dns-server';
import { createTestPki, type PkiLeaf, type TestPki } from '@/tests/fixtures/pki';
import { startFakeSmtp, type FakeSmtpHandle } from '@/tests/fixtures/smtp-server';
import { startStsServer, type StsServerHandle, type StsServerOptions } from '@/tests/fixtures/sts-policy-server';

const S = 'sts.test';
const limits = { ...DEFAULT_LIMITS, connectTimeoutMs: 1_000, greetingTimeoutMs: 2_000, commandTimeoutMs: 2_000, tlsTimeoutMs: 2_000, dnsTimeoutMs: 1_000 };
const policyText = (mode: string, mx: string[], maxAge = 604800) =>
  ['version: STSv1', `mode: ${mode}`, ...mx.map((m) => `mx: ${m}`), `max_age: ${maxAge}`, ''].join('\r\n');

interface Scenario {
  name: string;
  /** MX hosts: name, and whether port 25 presents a trusted certificate for it */
  mx: { host: string; cert: 'valid' | 'self-signed' }[];
  sts?: string[];
  rpt?: string[];
  /** the policy server (leaf 'sts' = a valid certificate for mta-sts.<domain>) */
  server?: Omit<StsServerOptions, 'address' | 'leaf'> & { leaf?: 'sts' | 'selfSigned' | 'wrongHost' };
}

const d = (n: string) => `${n}.${S}`;
const RPT = ['v=TLSRPTv1; rua=mailto:tlsrpt@example.test'];
const SCENARIOS: Scenario[] = [
  { name: 'good', mx: [{ host: 'mx1.good.sts.test', cert: 'valid' }], sts: ['v=STSv1; id=20260101T1'], rpt: RPT, server: { body: policyText('enforce', ['mx1.good.sts.test']) } },
  {
    name: 'wild',
    mx: [{ host: 'mx1.wild.sts.test', cert: 'valid' }],
    sts: ['v=STSv1; id=w1'],
    rpt: RPT,
    server: { body: policyText('enforce', ['*.wild.sts.test', '*.mx.wild.sts.test']) },
  },
  {
    name: 'mismatch',
    mx: [
      { host: 'mx1.mismatch.sts.test', cert: 'self-signed' },
      { host: 'mx2.mismatch.sts.test', cert: 'valid' },
    ],
    sts: ['v=STSv1; id=m1'],
    rpt: RPT,
    server: { body: policyText('enforce', ['mx1.mismatch.sts.test']) },
  },
  { name: 'testing', mx: [{ host: 'mx1.testing.sts.test', cert: 'self-signed' }], sts: ['v=STSv1; id=t1'], rpt: RPT, server: { body: policyText('testing', ['mx1.testing.sts.test']) } },
  {
    name: 'redirect',
    mx: [{ host: 'mx1.redirect.sts.test', cert: 'valid' }],
    sts: ['v=STSv1; id=r1'],
    rpt: RPT,
    server: { status: 301, headers: { Location: 'https://www.redirect.sts.test/mta-sts.txt' } },
  },
  { name: 'oversize', mx: [{ host: 'mx1.oversize.sts.test', cert: 'valid' }], sts: ['v=STSv1; id=o1'], rpt: RPT, server: { streamBytes: 200 * 1024 } },
  { name: 'badcert', mx: [{ host: 'mx1.badcert.sts.test', cert: 'valid' }], sts: ['v=STSv1; id=b1'], rpt: RPT, server: { leaf: 'selfSigned', body: policyText('enforce', ['mx1.badcert.sts.test']) } },
  { name: 'badname', mx: [{ host: 'mx1.badname.sts.test', cert: 'valid' }], sts: ['v=STSv1; id=n1'], rpt: RPT, server: { leaf: 'wrongHost', body: policyText('enforce', ['mx1.badname.sts.test']) } },
  {
    name: 'malformed',
    mx: [{ host: 'mx1.malformed.sts.test', cert: 'valid' }],
    sts: ['v=STSv1; id=this-id-has-dashes'],
    rpt: ['v=TLSRPTv1; rua=http://reports.example.test/'],
    server: { headers: { 'Content-Type': 'text/html' }, body: 'version: STSv1\r\nmode: strict\r\nmax_age: 99999999999\r\n' },
  },
  { name: 'multi', mx: [{ host: 'mx1.multi.sts.test', cert: 'valid' }], sts: ['v=STSv1; id=a1', 'v=STSv1; id=a2'], server: { body: policyText('enforce', ['mx1.multi.sts.test']) } },
  { name: 'none', mx: [{ host: 'mx1.none.sts.test', cert: 'valid' }] },
];

let dns: DnsServerHandle;
let pki: TestPki;
const servers: (FakeSmtpHandle | StsServerHandle)[] = [];
const stsServers = new Map<string, StsServerHandle>();

beforeAll(async () => {
  const mxNames = SCENARIOS.flatMap((s) => s.mx.map((m) => m.host));
  // One name list for the PKI, so the self-signed leaf is wrong only in its trust, not its names.
  pki = await createTestPki({ hosts: [...mxNames, ...SCENARIOS.map((s) => `mta-sts.${d(s.name)}`)] });
  const stsLeaf: PkiLeaf = pki.valid;
  const records: ZoneRecord[] = [];
  for (const [i, s] of SCENARIOS.entries()) {
    const domain = d(s.name);
    for (const [j, m] of s.mx.entries()) {
      const address = `127.112.${i + 1}.${j + 1}`;
      records.push({ name: domain, type: 'MX', preference: 10 * (j + 1), exchange: m.host }, { name: m.host, type: 'A', address });
      const leaf = m.cert === 'valid' ? pki.valid : pki.selfSigned;
      servers.push(await startFakeSmtp({ address, port: 25, greeting: [`220 ${m.host} ESMTP`], tls: { key: leaf.keyPem, cert: leaf.chainPem } }));
    }
    for (const text of s.sts ?? []) records.push({ name: `_mta-sts.${domain}`, type: 'TXT', text });
    for (const text of s.rpt ?? []) records.push({ name: `_smtp._tls.${domain}`, type: 'TXT', text });
    if (s.server) {
      const address = `127.112.${i + 1}.100`;
      records.push({ name: `mta-sts.${domain}`, type: 'A', address });
      const leaf = s.server.leaf === 'selfSigned' ? pki.selfSigned : s.server.leaf === 'wrongHost' ? pki.wrongHost : stsLeaf;
      const h = await startStsServer({ ...s.server, address, leaf });
      servers.push(h);
      stsServers.set(s.name, h);
    }
  }
  dns = await startDnsServer(records);
});

afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await dns?.close();
});

async function check(name: string): Promise<{ result: CheckResult; events: CheckEvent[] }> {
  const domain = d(name);
  const gen = runCheck(
    { input: domain, mode: 'domain', domain, displayDomain: domain },
    {
      resolver: createResolver({ servers: [dns.servers], timeoutMs: 1_000, tries: 1 }),
      policy: createAddressPolicy({ allowCidrs: ['127.112.0.0/16'] }),
      tls: createTlsContext({ extraCaPem: pki.caPem, extraCaFile: '' }),
      limits,
      ehloName: 'probe.sts.test',
    },
  );
  const events: CheckEvent[] = [];
  for (;;) {
    const next = await gen.next();
    if (next.done) return { result: CheckResultSchema.parse(next.value), events };
    events.push(CheckEventSchema.parse(next.value));
  }
}

const codes = (fs: Finding[]) => fs.map((f) => f.code).filter((c) => c.startsWith('mta-sts.') || c.startsWith('tls-rpt.'));
const one = (r: CheckResult, code: string) => {
  const hits = r.findings.filter((f) => f.code === code);
  expect(hits, code).toHaveLength(1);
  return hits[0]!;
};

describe('MTA-STS and TLS-RPT', () => {
  it('a valid enforce policy covering a trusted MX is reported ok, streamed before the check ends', async () => {
    const { result, events } = await check('good');
    expect(codes(result.findings).sort()).toEqual(['mta-sts.ok', 'tls-rpt.ok']);
    expect(result.policy?.mtaSts?.id).toBe('20260101T1');
    expect(result.policy?.mtaSts?.fetch).toMatchObject({ outcome: 'fetched', address: '127.112.1.100', status: 200, tls: { trusted: true, hostnameMatch: true } });
    expect(result.policy?.mtaSts?.policy).toMatchObject({ mode: 'enforce', mx: ['mx1.good.sts.test'], maxAge: 604800, errors: [] });
    expect(result.policy?.tlsRpt?.rua).toEqual(['mailto:tlsrpt@example.test']);
    const types = events.map((e) => e.type);
    expect(types).toContain('policy-mta-sts');
    expect(types).toContain('policy-tls-rpt');
    expect(types.indexOf('policy-mta-sts')).toBeLessThan(types.indexOf('check-done'));
    expect(stsServers.get('good')?.requests).toEqual(['/.well-known/mta-sts.txt']);
  });

  it('a *.domain pattern covers one left-most label; a pattern matching no MX is info', async () => {
    const { result } = await check('wild');
    expect(codes(result.findings).sort()).toEqual(['mta-sts.ok', 'mta-sts.pattern-unused', 'tls-rpt.ok']);
    expect(one(result, 'mta-sts.pattern-unused').params?.pattern).toBe('*.mx.wild.sts.test');
  });

  it('enforce mode: an MX the policy does not cover and an MX with an untrusted certificate are critical, naming the MX and why', async () => {
    const { result } = await check('mismatch');
    const notCovered = one(result, 'mta-sts.mx-not-covered');
    expect(notCovered).toMatchObject({ severity: 'critical', host: 'mx2.mismatch.sts.test' });
    const fails = one(result, 'mta-sts.enforce-mx-fails');
    expect(fails).toMatchObject({ severity: 'critical', host: 'mx1.mismatch.sts.test', address: '127.112.3.1' });
    expect(String(fails.params?.reason)).toMatch(/not trusted \(self-signed\)/);
    expect(codes(result.findings)).not.toContain('mta-sts.ok');
  });

  it('testing mode: the same certificate failure is a warning, and testing mode is noted', async () => {
    const { result } = await check('testing');
    expect(one(result, 'mta-sts.testing-mx-fails').severity).toBe('warning');
    one(result, 'mta-sts.testing');
    expect(codes(result.findings)).not.toContain('mta-sts.enforce-mx-fails');
  });

  it('a redirect is reported with its target and not followed', async () => {
    const { result } = await check('redirect');
    const f = one(result, 'mta-sts.policy-redirect');
    expect(f.params).toMatchObject({ status: 301, location: ' to https://www.redirect.sts.test/mta-sts.txt' });
    expect(result.policy?.mtaSts?.policy).toBeUndefined();
    expect(stsServers.get('redirect')?.requests).toHaveLength(1);
  });

  it('a body past 64 KiB is cut off while reading and reported as oversize', async () => {
    const { result } = await check('oversize');
    one(result, 'mta-sts.policy-oversize');
    const fetch = result.policy?.mtaSts?.fetch;
    expect(fetch?.outcome).toBe('oversize');
    // Stopped at the first chunk past the cap, not after the whole 200 KiB.
    expect(fetch?.bytes).toBeGreaterThan(64 * 1024);
    expect(fetch?.bytes).toBeLessThan(150 * 1024);
  });

  it('an untrusted policy certificate and one for another name are each their own finding', async () => {
    const untrusted = (await check('badcert')).result;
    expect(one(untrusted, 'mta-sts.policy-cert-untrusted').params?.reason).toMatch(/SELF_SIGNED/);
    expect(codes(untrusted.findings)).not.toContain('mta-sts.policy-cert-name-mismatch');
    const wrongName = (await check('badname')).result;
    expect(one(wrongName, 'mta-sts.policy-cert-name-mismatch').params?.names).toContain('wrong-host.other.test');
    expect(codes(wrongName.findings)).not.toContain('mta-sts.policy-cert-untrusted');
  });

  it('a malformed record, policy, content type and TLS-RPT URI are each reported', async () => {
    const { result } = await check('malformed');
    expect(one(result, 'mta-sts.record-invalid').params?.detail).toMatch(/id/);
    expect(one(result, 'mta-sts.policy-content-type').params?.contentType).toBe('text/html');
    const errors = String(one(result, 'mta-sts.policy-invalid').params?.errors);
    expect(errors).toMatch(/mode "strict"/);
    expect(errors).toMatch(/max_age/);
    expect(errors).toMatch(/no "mx" line/);
    expect(one(result, 'tls-rpt.invalid').params?.detail).toMatch(/http:/);
  });

  it('several STSv1 records are a finding; MTA-STS without TLS-RPT is a warning', async () => {
    const { result } = await check('multi');
    expect(one(result, 'mta-sts.record-multiple').params?.count).toBe(2);
    expect(one(result, 'tls-rpt.missing').severity).toBe('warning');
  });

  it('no record: MTA-STS is absent (info), nothing is fetched and TLS-RPT is not required', async () => {
    const { result } = await check('none');
    expect(codes(result.findings)).toEqual(['mta-sts.absent']);
    expect(result.policy?.mtaSts?.fetch).toBeUndefined();
  });
});
