/**
 * The TLS protocol matrix against loopback fake mail servers (127.123.0.0/16) whose TLS accepts
 * only certain versions and suites: every verdict comes from real handshakes with Node's OpenSSL
 * on both sides. What this machine's OpenSSL cannot offer (3DES, RC4 here) must read "untested".
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SecureVersion } from 'node:tls';
import { createAddressPolicy } from '@/lib/probe/address-policy';
import { createResolver } from '@/lib/probe/dns/resolver';
import { matrixFindings } from '@/lib/probe/findings/evaluate-tls-matrix';
import { createTargetGate } from '@/lib/probe/net/target-gate';
import { runCheck } from '@/lib/probe/run-check';
import { CheckEventSchema, CheckResultSchema, type CheckEvent, type CheckResult, type Port, type TlsMatrix } from '@/lib/probe/schema';
import { localTlsSupport } from '@/lib/probe/tls/local-tls-support';
import { runTlsMatrix, type TlsMatrixOptions } from '@/lib/probe/tls/run-tls-matrix';
import { createTlsContext } from '@/lib/probe/tls/tls-context';
import { DEFAULT_LIMITS, systemClock } from '@/lib/probe/types';
import { reverseName, startDnsServer, type DnsServerHandle } from '@/tests/fixtures/dns-server';
import { createTestPki, type TestPki } from '@/tests/fixtures/pki';
import { startFakeSmtp, type FakeSmtpHandle, type FakeSmtpOptions } from '@/tests/fixtures/smtp-server';
import { probe as probeBuilder, tls as tlsBuilder } from '@/tests/fixtures/probe-builders';

const policy = createAddressPolicy({ allowCidrs: ['127.123.0.0/16'] });
const HOST = 'mx.matrix.test';
const limits = { ...DEFAULT_LIMITS, connectTimeoutMs: 2_000, greetingTimeoutMs: 3_000, commandTimeoutMs: 3_000, tlsTimeoutMs: 3_000, probeBudgetMs: 15_000, dnsTimeoutMs: 1_000 };
/** Forward secrecy only (ECDHE), so that only what a test adds is weak. */
const FS_ONLY = 'ECDHE+AESGCM:ECDHE+AES:@SECLEVEL=0';

let pki: TestPki;
const servers: FakeSmtpHandle[] = [];

beforeAll(async () => {
  pki = await createTestPki({ hosts: [HOST] });
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(
  address: string,
  port: Port,
  tls: { minVersion?: SecureVersion; maxVersion?: SecureVersion; ciphers?: string; rsa?: boolean },
  over: Partial<FakeSmtpOptions> = {},
) {
  const { rsa, ...versions } = tls;
  // Static RSA key exchange needs an RSA certificate; the others use the quicker ECDSA one.
  const leaf = rsa ? pki.validRsa : pki.valid;
  const s = await startFakeSmtp({
    address,
    port,
    ...(port === 465 ? { behaviour: 'tls-first' as const } : {}),
    ...over,
    tls: { key: leaf.keyPem, cert: leaf.chainPem, ciphers: FS_ONLY, ...versions },
  });
  servers.push(s);
  return s;
}

function matrix(address: string, port: Port, negotiated: TlsMatrixOptions['negotiated'], over: Partial<TlsMatrixOptions> = {}): Promise<TlsMatrix> {
  return runTlsMatrix({
    host: HOST,
    address,
    family: 4,
    port,
    mode: port === 465 ? 'implicit' : 'starttls',
    negotiated,
    ehloName: 'probe.matrix.test',
    limits,
    policy,
    clock: systemClock,
    ...over,
  });
}

const statuses = (m: TlsMatrix) => Object.fromEntries(m.versions.map((v) => [v.version, v.status]));
const suiteStatuses = (m: TlsMatrix) => Object.fromEntries(m.suites.map((s) => [s.family, s.status]));

/** The server heard only the replayed start of a session: never MAIL, RCPT, DATA, never before the greeting. */
function expectPolite(server: FakeSmtpHandle): void {
  expect(server.received.filter((r) => !r.afterGreeting)).toEqual([]);
  expect(server.verbs().filter((v) => !['EHLO', 'STARTTLS', 'QUIT'].includes(v))).toEqual([]);
}

describe('TLS matrix on STARTTLS ports', () => {
  it('a server negotiating TLS 1.3 that still accepts TLS 1.0 and 1.1: each proven, and the finding', async () => {
    const server = await serve('127.123.1.1', 25, { minVersion: 'TLSv1', maxVersion: 'TLSv1.3' });
    const m = await matrix('127.123.1.1', 25, { version: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384' });
    expect(statuses(m)).toEqual({ TLSv1: 'accepted', 'TLSv1.1': 'accepted', 'TLSv1.2': 'accepted', 'TLSv1.3': 'accepted' });
    expect(m.versions.find((v) => v.version === 'TLSv1')?.cipher).toMatch(/^ECDHE-/);
    // The 1.0–1.1 range came back 1.1, so 1.0 needed its own handshake: 1.2, range, 1.0, suites.
    expect(m.handshakes).toBe(4);
    expect(suiteStatuses(m)).toMatchObject({ 'no-forward-secrecy': 'refused', null: 'refused', anonymous: 'refused' });
    expect(server.connections).toBe(4);
    expectPolite(server);
    const findings = matrixFindings(probeBuilder({ address: '127.123.1.1', port: 25, tls: tlsBuilder({ version: 'TLSv1.3' }) }), m);
    expect(findings.map((f) => [f.code, f.severity, f.params?.versions])).toEqual([['tls.legacy-version-accepted', 'warning', 'TLS 1.0, TLS 1.1']]);
  });

  it('a modern server: one range handshake refuses both old versions, no finding', async () => {
    await serve('127.123.1.2', 587, { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.3' });
    const m = await matrix('127.123.1.2', 587, { version: 'TLSv1.3' });
    expect(statuses(m)).toEqual({ TLSv1: 'refused', 'TLSv1.1': 'refused', 'TLSv1.2': 'accepted', 'TLSv1.3': 'accepted' });
    expect(m.versions[0]).toMatchObject({ evidence: 'range' });
    expect(m.handshakes).toBe(3);
    expect(matrixFindings(probeBuilder({ port: 587, tls: tlsBuilder({ version: 'TLSv1.3' }) }), m)).toEqual([]);
  });

  it('a TLS 1.0-only server: TLS 1.1, 1.2 and 1.3 refused in their own handshakes, critical', async () => {
    await serve('127.123.1.3', 2525, { minVersion: 'TLSv1', maxVersion: 'TLSv1' });
    const m = await matrix('127.123.1.3', 2525, { version: 'TLSv1' });
    expect(statuses(m)).toEqual({ TLSv1: 'accepted', 'TLSv1.1': 'refused', 'TLSv1.2': 'refused', 'TLSv1.3': 'refused' });
    expect(m.versions.map((v) => v.evidence)).toEqual(['probe', 'pinned', 'pinned', 'pinned']);
    const f = matrixFindings(probeBuilder({ port: 2525, tls: tlsBuilder({ version: 'TLSv1' }) }), m);
    expect(f.map((x) => [x.code, x.severity])).toEqual([['tls.no-modern-version', 'critical']]);
  });

  it('static RSA, NULL and anonymous suites accepted: each family found, 3DES and RC4 honestly untested', async () => {
    const server = await serve('127.123.1.4', 25, { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.3', ciphers: `${FS_ONLY.replace(':@SECLEVEL=0', '')}:kRSA:eNULL:aNULL:@SECLEVEL=0`, rsa: true });
    const m = await matrix('127.123.1.4', 25, { version: 'TLSv1.3' });
    const local = await localTlsSupport();
    expect(suiteStatuses(m)).toMatchObject({ 'no-forward-secrecy': 'accepted', null: 'accepted', anonymous: 'accepted' });
    for (const f of ['3des', 'rc4'] as const) {
      // This machine's OpenSSL 3 has no 3DES or RC4 suites: not "refused", could not test.
      if (!local.families.has(f)) expect(m.suites.find((s) => s.family === f)).toMatchObject({ status: 'untested', reason: 'local-openssl' });
    }
    const anon = m.suites.find((s) => s.family === 'anonymous');
    expect(anon?.cipherStandardName).toMatch(/_anon_/);
    expectPolite(server);
    const findings = matrixFindings(probeBuilder({ port: 25, tls: tlsBuilder({ version: 'TLSv1.3' }) }), m);
    expect(findings.map((x) => [x.code, x.severity])).toEqual([
      ['tls.no-forward-secrecy', 'info'],
      ['tls.broken-cipher', 'critical'],
    ]);
  });

  it('a replayed session that is refused (421) is "could not test", not "refused"', async () => {
    await serve('127.123.1.5', 25, {}, { greeting: ['421 4.7.0 too many connections'] });
    const m = await matrix('127.123.1.5', 25, { version: 'TLSv1.3' });
    for (const v of m.versions.filter((x) => x.version !== 'TLSv1.3')) expect(v).toMatchObject({ status: 'untested', reason: 'no-session' });
    const f = matrixFindings(probeBuilder({ port: 25, tls: tlsBuilder({ version: 'TLSv1.3' }) }), m);
    expect(f.map((x) => [x.code, x.untested])).toEqual([['tls.matrix-incomplete', true]]);
  });

  it('the address guard refuses before any connection', async () => {
    const server = await serve('127.123.1.6', 25, {});
    const closed = createAddressPolicy({ allowCidrs: [] });
    const m = await matrix('127.123.1.6', 25, { version: 'TLSv1.3' }, { policy: closed });
    expect(m.versions.filter((v) => v.status !== 'accepted').every((v) => v.reason === 'no-session')).toBe(true);
    expect(server.connections).toBe(0);
  });

  it('a cancelled check ends the matrix at once as aborted', async () => {
    await serve('127.123.1.7', 25, {});
    const ac = new AbortController();
    ac.abort();
    const m = await matrix('127.123.1.7', 25, { version: 'TLSv1.3' }, { signal: ac.signal });
    expect(m.versions.filter((v) => v.status !== 'accepted').every((v) => v.reason === 'aborted')).toBe(true);
  });
});

describe('TLS matrix on implicit TLS (465)', () => {
  it('handshakes from the first byte, says nothing before the greeting', async () => {
    const server = await serve('127.123.2.1', 465, { minVersion: 'TLSv1.1', maxVersion: 'TLSv1.2' });
    const m = await matrix('127.123.2.1', 465, { version: 'TLSv1.2' });
    expect(statuses(m)).toEqual({ TLSv1: 'refused', 'TLSv1.1': 'accepted', 'TLSv1.2': 'accepted', 'TLSv1.3': 'refused' });
    expect(server.verbs()).toEqual([]);
  });
});

describe('TLS matrix inside a check', () => {
  let dns: DnsServerHandle;
  beforeAll(async () => {
    dns = await startDnsServer([
      { name: 'matrix.test', type: 'MX', preference: 10, exchange: HOST },
      { name: HOST, type: 'A', address: '127.123.3.1' },
      { name: reverseName('127.123.3.1'), type: 'PTR', target: HOST },
    ]);
  });
  afterAll(async () => {
    await dns?.close();
  });

  async function check(over: { tlsMatrix?: { concurrency: number }; maxPerTarget?: number }): Promise<{ events: CheckEvent[]; result: CheckResult }> {
    const gen = runCheck(
      { input: 'matrix.test', mode: 'domain', domain: 'matrix.test', displayDomain: 'matrix.test' },
      {
        resolver: createResolver({ servers: [dns.servers], timeoutMs: 1_000, tries: 1 }),
        policy,
        tls: createTlsContext({ extraCaPem: pki.caPem, extraCaFile: '' }),
        limits,
        ehloName: 'probe.matrix.test',
        ...(over.tlsMatrix ? { tlsMatrix: over.tlsMatrix } : {}),
        ...(over.maxPerTarget ? { targetGate: createTargetGate({ maxPerTarget: over.maxPerTarget }) } : {}),
      },
    );
    const events: CheckEvent[] = [];
    for (;;) {
      const n = await gen.next();
      if (n.done) return { events, result: CheckResultSchema.parse(n.value) };
      events.push(CheckEventSchema.parse(n.value));
    }
  }

  it('streams each matrix as it finishes, keeps it in the probe, adds the findings, and respects the per-target bound', async () => {
    const s25 = await serve('127.123.3.1', 25, { minVersion: 'TLSv1', maxVersion: 'TLSv1.3' });
    await serve('127.123.3.1', 465, { minVersion: 'TLSv1.2' });
    const { events, result } = await check({ tlsMatrix: { concurrency: 3 }, maxPerTarget: 2 });
    const p25 = result.probes.find((p) => p.port === 25)!;
    expect(p25.tlsMatrix && statuses(p25.tlsMatrix)).toEqual({ TLSv1: 'accepted', 'TLSv1.1': 'accepted', 'TLSv1.2': 'accepted', 'TLSv1.3': 'accepted' });
    expect(result.probes.find((p) => p.port === 465)?.tlsMatrix?.versions[0]?.status).toBe('refused');
    // Ports without TLS (nothing listens on 587/2525) get no matrix.
    expect(result.probes.filter((p) => p.port === 587 || p.port === 2525).every((p) => p.tlsMatrix === undefined)).toBe(true);
    const types = events.map((e) => (e.type === 'probe-tls-matrix' || e.type === 'probe-done' ? `${e.type}:${'port' in e ? e.port : e.probe.port}` : e.type));
    expect(types.indexOf('probe-tls-matrix:25')).toBeGreaterThan(-1);
    expect(types.indexOf('probe-tls-matrix:25')).toBeLessThan(types.indexOf('probe-done:25'));
    expect(result.findings.filter((f) => f.code === 'tls.legacy-version-accepted').map((f) => f.port)).toEqual([25]);
    // Two slots for the address: the main probe of 25 and 465 and every matrix handshake share them.
    expect(s25.peakSessions).toBeLessThanOrEqual(2);
    // The main probe's relay test (MAIL, RCPT, RSET) is the only transaction; the matrix adds none.
    expect(s25.received.filter((r) => !r.afterGreeting)).toEqual([]);
    expect(s25.verbs().filter((v) => v === 'MAIL').length).toBe(s25.verbs().filter((v) => v === 'RSET').length);
    expect(s25.verbs()).not.toContain('DATA');
    expect(s25.connections).toBe(1 + p25.tlsMatrix!.handshakes);
  });

  it('off (PROBE_TLS_MATRIX=false): one connection per port, no matrix, no matrix event', async () => {
    const s25 = await serve('127.123.3.1', 25, { minVersion: 'TLSv1', maxVersion: 'TLSv1.3' });
    const { events, result } = await check({});
    expect(s25.connections).toBe(1);
    expect(result.probes.every((p) => p.tlsMatrix === undefined)).toBe(true);
    expect(events.some((e) => e.type === 'probe-tls-matrix')).toBe(false);
  });
});
