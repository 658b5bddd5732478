/**
 * DNSSEC and DANE end to end on loopback (127.124.0.0/16) against real validation: zones signed by
 * ldns-signzone, served by NSD, validated by unbound (tests/fixtures/dnssec-lab.ts); MX hosts with
 * real TLS on port 25 (the tests' own PKI). Each scenario domain pins its findings through runCheck.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAddressPolicy } from '@/lib/probe/address-policy';
import { createResolver } from '@/lib/probe/dns/resolver';
import { runCheck } from '@/lib/probe/run-check';
import { CheckEventSchema, CheckResultSchema, type CheckEvent, type CheckResult, type Finding } from '@/lib/probe/schema';
import { createTlsContext } from '@/lib/probe/tls/tls-context';
import { DEFAULT_LIMITS } from '@/lib/probe/types';
import { startDnssecLab, type DnssecLab, type LabZone } from '@/tests/fixtures/dnssec-lab';
import { createTestPki, type PkiLeaf, type TestPki } from '@/tests/fixtures/pki';
import { startFakeSmtp, type FakeSmtpHandle } from '@/tests/fixtures/smtp-server';

const SIGNED = 'dnssec.test';
const limits = { ...DEFAULT_LIMITS, connectTimeoutMs: 1_000, greetingTimeoutMs: 2_000, commandTimeoutMs: 2_000, tlsTimeoutMs: 2_000, dnsTimeoutMs: 2_000 };

// TLSA association data, computed here with node:crypto rather than borrowed from the engine.
const leafOf = (l: PkiLeaf) => new X509Certificate(l.certPem);
const spki = (c: X509Certificate) => c.publicKey.export({ type: 'spki', format: 'der' }) as Buffer;
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const sha512 = (b: Buffer) => createHash('sha512').update(b).digest('hex');

interface Scenario {
  name: string;
  leaf: (pki: TestPki) => PkiLeaf;
  /** TLSA record texts for _25._tcp.mx.<name>.dnssec.test */
  tlsa: (pki: TestPki) => string[];
}

const mx = (name: string) => `mx.${name}.${SIGNED}`;
const SCENARIOS: Scenario[] = [
  // DANE-EE on the key and DANE-TA on the whole intermediate certificate (SHA-512): both match.
  { name: 'match', leaf: (p) => p.valid, tlsa: (p) => [`3 1 1 ${sha256(spki(leafOf(p.valid)))}`, `2 0 2 ${sha512(leafOf(p.intermediate).raw)}`] },
  // A record for another key: DANE senders will not deliver.
  { name: 'mismatch', leaf: (p) => p.valid, tlsa: (p) => [`3 1 1 ${sha256(spki(leafOf(p.validRsa)))}`] },
  // DANE-EE with an expired certificate is still valid (RFC 7672 §3.1.1).
  { name: 'expired', leaf: (p) => p.expired, tlsa: (p) => [`3 0 1 ${sha256(leafOf(p.expired).raw)}`] },
  // DANE-EE ignores the names too; DANE-TA does not: the TA matches, the leaf names another host.
  { name: 'eename', leaf: (p) => p.wrongHost, tlsa: (p) => [`3 1 0 ${spki(leafOf(p.wrongHost)).toString('hex')}`] },
  { name: 'taname', leaf: (p) => p.wrongHost, tlsa: (p) => [`2 1 1 ${sha256(spki(leafOf(p.intermediate)))}`] },
  // PKIX usages are not for SMTP (RFC 7672 §3.1.3).
  { name: 'pkix', leaf: (p) => p.valid, tlsa: (p) => [`1 1 1 ${sha256(spki(leafOf(p.valid)))}`] },
];
const address = (i: number) => `127.124.1.${i + 1}`;

let lab: DnssecLab;
let pki: TestPki;
const servers: FakeSmtpHandle[] = [];

beforeAll(async () => {
  pki = await createTestPki({ hosts: [...SCENARIOS.map((s) => mx(s.name)), 'mx.unsigned.plain.test', 'mx.bogus.test'] });
  const zones: LabZone[] = [
    {
      origin: SIGNED,
      signing: 'signed',
      lines: SCENARIOS.flatMap((s, i) => [
        `${s.name} IN MX 10 ${mx(s.name)}.`,
        `mx.${s.name} IN A ${address(i)}`,
        ...s.tlsa(pki).map((t) => `_25._tcp.mx.${s.name} IN TLSA ${t}`),
      ]),
    },
    // Not signed: the TLSA record is there but cannot be validated.
    {
      origin: 'plain.test',
      signing: 'unsigned',
      lines: ['unsigned IN MX 10 mx.unsigned.plain.test.', 'mx.unsigned IN A 127.124.2.1', `_25._tcp.mx.unsigned IN TLSA 3 1 1 ${sha256(spki(leafOf(pki.valid)))}`],
    },
    // Signed, but every signature expired in 2020: bogus.
    { origin: 'bogus.test', signing: 'expired', lines: ['@ IN MX 10 mx.bogus.test.', 'mx IN A 127.124.3.1'] },
    // MX hosts that are aliases (RFC 7672 §2.2.3), in signed zones. cnamed: the alias leads into
    // another signed zone, whose name holds the TLSA records (DANE-TA) and is the only name the
    // leaf carries. cnamefb: nothing at the expanded name, so the MX host's own TLSA records count.
    {
      origin: 'other.test',
      signing: 'signed',
      lines: ['wrong-host IN A 127.124.1.20', `_25._tcp.wrong-host IN TLSA 2 1 1 ${sha256(spki(leafOf(pki.intermediate)))}`],
    },
    {
      origin: 'cname.test',
      signing: 'signed',
      lines: [
        'cnamed IN MX 10 mx.cnamed.cname.test.',
        'mx.cnamed IN CNAME wrong-host.other.test.',
        'cnamefb IN MX 10 mx.cnamefb.cname.test.',
        'mx.cnamefb IN CNAME host.cnamefb.cname.test.',
        'host.cnamefb IN A 127.124.1.21',
        `_25._tcp.mx.cnamefb IN TLSA 3 1 1 ${sha256(spki(leafOf(pki.valid)))}`,
      ],
    },
  ];
  lab = await startDnssecLab(zones);
  for (const [i, s] of SCENARIOS.entries()) {
    const leaf = s.leaf(pki);
    servers.push(await startFakeSmtp({ address: address(i), port: 25, greeting: [`220 ${mx(s.name)} ESMTP`], tls: { key: leaf.keyPem, cert: leaf.chainPem } }));
  }
  servers.push(await startFakeSmtp({ address: '127.124.1.20', port: 25, greeting: ['220 wrong-host.other.test ESMTP'], tls: { key: pki.wrongHost.keyPem, cert: pki.wrongHost.chainPem } }));
  servers.push(await startFakeSmtp({ address: '127.124.1.21', port: 25, greeting: ['220 host.cnamefb.cname.test ESMTP'], tls: { key: pki.valid.keyPem, cert: pki.valid.chainPem } }));
  servers.push(await startFakeSmtp({ address: '127.124.2.1', port: 25, greeting: ['220 mx.unsigned.plain.test ESMTP'], tls: { key: pki.valid.keyPem, cert: pki.valid.chainPem } }));
}, 120_000);

afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await lab?.close();
});

async function check(domain: string, dnsServer = lab.unbound): Promise<{ result: CheckResult; events: CheckEvent[] }> {
  const gen = runCheck(
    { input: domain, mode: 'domain', domain, displayDomain: domain },
    {
      resolver: createResolver({ servers: [dnsServer], timeoutMs: 2_000, tries: 1 }),
      policy: createAddressPolicy({ allowCidrs: ['127.124.0.0/16'] }),
      tls: createTlsContext({ extraCaPem: pki.caPem, extraCaFile: '' }),
      limits,
      ehloName: 'probe.dnssec.test',
    },
  );
  const events: CheckEvent[] = [];
  for (;;) {
    const next = await gen.next();
    if (next.done) return { result: CheckResultSchema.parse(next.value), events };
    events.push(CheckEventSchema.parse(next.value));
  }
}

const ours = (fs: Finding[]) => fs.filter((f) => f.code.startsWith('dnssec.') || f.code.startsWith('dane.')).map((f) => f.code).sort();
const one = (r: CheckResult, code: string) => {
  const hits = r.findings.filter((f) => f.code === code);
  expect(hits, code).toHaveLength(1);
  return hits[0]!;
};

describe('DNSSEC through a validating resolver', () => {
  it('a signed zone is secure everywhere: MX, addresses and TLSA carry the AD bit', async () => {
    const { result, events } = await check(`match.${SIGNED}`);
    const d = result.policy?.dnssec;
    expect(d).toMatchObject({ validating: true, mx: { status: 'secure', rcode: 'NOERROR', type: 'MX' } });
    expect(d?.hosts).toEqual([expect.objectContaining({ host: mx('match'), a: expect.objectContaining({ status: 'secure' }), aaaa: expect.objectContaining({ status: 'secure' }) })]);
    expect(result.policy?.dane?.hosts[0]?.tlsa).toMatchObject({ status: 'secure', name: `_25._tcp.${mx('match')}` });
    one(result, 'dnssec.mx-secure');
    // streamed: the DNSSEC piece, then the host's DANE result, both before the end
    const types = events.map((e) => e.type);
    expect(types.indexOf('policy-dnssec')).toBeGreaterThan(types.indexOf('dns-done'));
    expect(types.indexOf('policy-dane')).toBeGreaterThan(-1);
    expect(types.indexOf('policy-dane')).toBeLessThan(types.indexOf('check-done'));
  });

  it('an unsigned zone is insecure, and its TLSA records are present but unusable', async () => {
    const { result } = await check('unsigned.plain.test');
    expect(result.policy?.dnssec?.mx).toMatchObject({ status: 'insecure', rcode: 'NOERROR' });
    expect(result.policy?.dane?.hosts[0]).toMatchObject({ tlsa: { status: 'insecure' }, records: [expect.objectContaining({ usage: 3, selector: 1, matchingType: 1 })], addresses: [] });
    expect(one(result, 'dane.tlsa-not-validated')).toMatchObject({ severity: 'warning', host: 'mx.unsigned.plain.test', params: { count: 1 } });
    // Nothing in this check was validated: the report cannot tell "unsigned" from "not validating".
    one(result, 'dnssec.resolver-not-validating');
    expect(ours(result.findings)).not.toContain('dane.match');
  });

  it('a zone with expired signatures is bogus (confirmed with CD=1), not "does not exist"', async () => {
    const { result } = await check('bogus.test');
    expect(result.policy?.dnssec?.mx).toMatchObject({ status: 'bogus', rcode: 'SERVFAIL' });
    expect(one(result, 'dnssec.bogus')).toMatchObject({ severity: 'critical', params: { name: 'bogus.test', type: 'MX' } });
    const codes = result.findings.map((f) => f.code);
    expect(codes).not.toContain('dns.nxdomain');
    expect(codes).not.toContain('dns.servfail');
    expect(result.summary.verdict).toBe('critical');
  });

  it('asked of the authoritative server itself (no validation), no AD bit anywhere is reported', async () => {
    const { result } = await check(`match.${SIGNED}`, lab.nsd);
    expect(result.policy?.dnssec).toMatchObject({ validating: false, mx: { status: 'insecure' } });
    one(result, 'dnssec.resolver-not-validating');
    // Records that did not validate do not count for DANE.
    one(result, 'dane.tlsa-not-validated');
    expect(ours(result.findings)).not.toContain('dane.match');
  });
});

describe('DANE against the chain presented on port 25', () => {
  it('DANE-EE (SPKI, SHA-256) and DANE-TA (full certificate, SHA-512) both match; two records are rollover-ready', async () => {
    const { result } = await check(`match.${SIGNED}`);
    const h = result.policy?.dane?.hosts[0];
    expect(h?.addresses).toEqual([{ address: address(0), outcome: 'match', matches: [{ record: 0, depth: 0 }, { record: 1, depth: 1 }] }]);
    expect(one(result, 'dane.match')).toMatchObject({ severity: 'ok', address: address(0), params: { usage: 'DANE-EE, DANE-TA' } });
    one(result, 'dane.rollover-ready');
    expect(ours(result.findings)).toEqual(['dane.match', 'dane.rollover-ready', 'dnssec.mx-secure']);
  });

  it('a record for another key is a critical mismatch: DANE senders will not deliver', async () => {
    const { result } = await check(`mismatch.${SIGNED}`);
    expect(result.policy?.dane?.hosts[0]?.addresses).toEqual([{ address: address(1), outcome: 'mismatch', matches: [] }]);
    expect(one(result, 'dane.mismatch')).toMatchObject({ severity: 'critical', host: mx('mismatch'), address: address(1) });
    one(result, 'dane.single-record');
    expect(result.summary.verdict).toBe('critical');
  });

  it('DANE-EE with an expired certificate still matches: the expiry finding drops to info for port 25', async () => {
    const { result } = await check(`expired.${SIGNED}`);
    expect(result.policy?.dane?.hosts[0]?.addresses[0]).toMatchObject({ outcome: 'match' });
    const expired = result.findings.find((f) => f.code === 'cert.expired' && f.port === 25);
    expect(expired).toMatchObject({ severity: 'info', params: { dane: 'DANE-EE' } });
    one(result, 'dane.ee-waives-pkix');
    expect(result.findings.filter((f) => f.port === 25 && f.severity === 'critical')).toEqual([]);
  });

  it('DANE-EE ignores a certificate that names another host; DANE-TA does not', async () => {
    const ee = (await check(`eename.${SIGNED}`)).result;
    expect(ee.policy?.dane?.hosts[0]?.addresses[0]).toMatchObject({ outcome: 'match' });
    expect(ee.findings.find((f) => f.code === 'cert.hostname-mismatch' && f.port === 25)).toMatchObject({ severity: 'info' });
    const ta = (await check(`taname.${SIGNED}`)).result;
    expect(ta.policy?.dane?.hosts[0]?.addresses[0]).toMatchObject({ outcome: 'mismatch', taProblem: 'name' });
    expect(one(ta, 'dane.mismatch').severity).toBe('critical');
    expect(ta.findings.find((f) => f.code === 'cert.hostname-mismatch' && f.port === 25)?.severity).toBe('warning');
  });

  it('an MX alias through a secure CNAME: TLSA at the expanded name first, and that name is a DANE-TA reference identifier', async () => {
    const { result } = await check('cnamed.cname.test');
    const host = result.policy?.dane?.hosts[0];
    expect(host).toMatchObject({ host: 'mx.cnamed.cname.test', tlsa: { status: 'secure', name: '_25._tcp.wrong-host.other.test' } });
    // the leaf names only wrong-host.other.test, not the MX host: DANE-TA holds through the expanded name
    expect(host?.addresses[0]).toMatchObject({ outcome: 'match', matches: [{ record: 0, depth: 1 }] });
    one(result, 'dane.match');
  });

  it('an MX alias with no TLSA records at the expanded name falls back to the MX host name', async () => {
    const { result } = await check('cnamefb.cname.test');
    const host = result.policy?.dane?.hosts[0];
    expect(host).toMatchObject({ host: 'mx.cnamefb.cname.test', tlsa: { status: 'secure', name: '_25._tcp.mx.cnamefb.cname.test' } });
    expect(host?.addresses[0]).toMatchObject({ outcome: 'match' });
    one(result, 'dane.match');
  });

  it('PKIX usages are reported and leave no usable record', async () => {
    const { result } = await check(`pkix.${SIGNED}`);
    expect(ours(result.findings)).toEqual(['dane.no-usable-records', 'dane.pkix-usage', 'dnssec.mx-secure']);
    expect(result.policy?.dane?.hosts[0]?.addresses).toEqual([]);
  });
});
