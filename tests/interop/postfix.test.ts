/**
 * mxray against real Postfix smtpd services (tests/fixtures/interop/postfix.ts), field by field:
 * each expectation is what the service is configured to do, and where Postfix logs what it
 * negotiated (TLS version, cipher, group; the commands of each session), mxray's report must agree
 * with the server's own log.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { CheckResult, PortProbe } from '@/lib/probe/schema';
import {
  capLines,
  check,
  codesAt,
  lab,
  logMark,
  postfixDisconnects,
  postfixSessions,
  probeOf,
  waitForLog,
} from '@/tests/fixtures/interop/check';
import { DOVECOT_MECHANISMS } from '@/tests/fixtures/interop/dovecot';
import { DOMAINS, HOSTS, PINNED, POSTFIX_SIZE_LIMIT, postfixBanner } from '@/tests/fixtures/interop/plan';

/** Postfix's EHLO order (smtpd.c), with VRFY off (disable_vrfy_command = yes). */
function postfixEhlo(o: { starttls: boolean; auth?: boolean; legacyAuth?: boolean }): string[] {
  const mechs = DOVECOT_MECHANISMS.join(' ');
  return [
    'PIPELINING',
    `SIZE ${POSTFIX_SIZE_LIMIT}`,
    'ETRN',
    ...(o.starttls ? ['STARTTLS'] : []),
    ...(o.auth ? [`AUTH ${mechs}`] : []),
    ...(o.legacyAuth ? [`AUTH=${mechs}`] : []),
    'ENHANCEDSTATUSCODES',
    '8BITMIME',
    'DSN',
    'SMTPUTF8',
    'CHUNKING',
  ];
}

const runs = new Map<string, { result: CheckResult; log: string }>();

/** A domain check, and the Postfix log of its sessions once they have all ended. */
async function checkWithLog(domain: string, sessions: number): Promise<void> {
  const mark = logMark(lab().postfixLog);
  const { result } = await check(domain);
  const log = await waitForLog(lab().postfixLog, mark, (t) => postfixDisconnects(t) >= sessions);
  runs.set(domain, { result, log });
}

function run(domain: string) {
  const r = runs.get(domain);
  if (!r) throw new Error(`no check ran for ${domain}`);
  return r;
}

/** The probe's TLS facts equal what this Postfix service logged it negotiated. */
function expectTlsAsLogged(p: PortProbe, log: string, service: string): void {
  const logged = postfixSessions(log, service).tls;
  expect(logged).toHaveLength(1);
  expect(p.tls?.version).toBe(logged[0]?.version);
  expect(p.tls?.cipher).toBe(logged[0]?.cipher);
  if (logged[0]?.group) expect(p.tls?.group).toBe(logged[0].group);
}

const fp = () => lab().fingerprints;
/** The chain as presented plus the anchor: leaf, intermediate, root (from the trust store). */
function expectFullChain(p: PortProbe, leaf: keyof typeof HOSTS): void {
  expect(p.tls?.chain.map((c) => [c.sha256, c.inTrustStore])).toEqual([
    [fp().leaves[leaf], false],
    [fp().intermediate, false],
    [fp().root, true],
  ]);
}

beforeAll(async () => {
  // Sequential: each check's Postfix sessions are told apart by log position.
  await checkWithLog(DOMAINS.good, 3);
  await checkWithLog(DOMAINS.authClear, 2);
  await checkWithLog(DOMAINS.plain, 4);
  await checkWithLog(DOMAINS.expired, 1);
  await checkWithLog(DOMAINS.wrongHost, 1);
  await checkWithLog(DOMAINS.chain, 2);
});

describe('Postfix mx1: STARTTLS on 25, wrapper mode on 465, AUTH after STARTTLS on 587', () => {
  const a = HOSTS.mx1.address;

  it('25: greeting, EHLO before and after STARTTLS, TLS as the server logged it, trusted full chain', () => {
    const { result, log } = run(DOMAINS.good);
    const p = probeOf(result, a, 25);
    expect(p).toMatchObject({ host: HOSTS.mx1.name, family: 4, outcome: 'success', phase: 'done', encryption: 'starttls' });
    expect(p.greeting).toEqual({ code: 220, lines: [postfixBanner(HOSTS.mx1.name)] });
    expect(p.ehlo?.reply.code).toBe(250);
    expect(p.ehlo?.serverName).toBe(HOSTS.mx1.name);
    expect(capLines(p.ehlo)).toEqual(postfixEhlo({ starttls: true }));
    expect(p.ehlo).toMatchObject({
      starttls: true, pipelining: true, eightBitMime: true, smtpUtf8: true, chunking: true,
      enhancedStatusCodes: true, dsn: true, requireTls: false, size: POSTFIX_SIZE_LIMIT, auth: [], heloFallback: false,
    });
    expect(p.starttlsReply).toEqual({ code: 220, enhanced: '2.0.0', lines: ['2.0.0 Ready to start TLS'] });
    expect(p.tls).toMatchObject({ mode: 'starttls', trusted: true, hostnameMatch: true, servername: HOSTS.mx1.name });
    expect(p.tls?.trustReason).toBeUndefined();
    expect(p.tls?.verifyError).toBeUndefined();
    expectTlsAsLogged(p, log, 'mx1-25');
    expectFullChain(p, 'mx1');
    expect(p.tls?.chain[0]).toMatchObject({
      subjectAltNames: [`DNS:${HOSTS.mx1.name}`, `DNS:${DOMAINS.implicit}`], keyType: 'ec', curve: 'P-256', isCA: false,
    });
    expect(capLines(p.ehloTls)).toEqual(postfixEhlo({ starttls: false }));
    expect(p.ehloTls?.starttls).toBe(false);
    // EHLO, STARTTLS, EHLO, the relay test (four MAIL/RCPT/RSET rounds, every RCPT refused), QUIT:
    // never DATA.
    expect(postfixSessions(log, 'mx1-25').disconnects).toEqual(['ehlo=2 starttls=1 mail=4 rcpt=0/4 rset=4 quit=1 commands=12/16']);
    expect(codesAt(result, a, 25)).toEqual(['tls.ok']);
  });

  it('465: implicit TLS with the pinned TLS 1.2 cipher, AUTH inside TLS', () => {
    const { result, log } = run(DOMAINS.good);
    const p = probeOf(result, a, 465);
    expect(p).toMatchObject({ outcome: 'success', phase: 'done', encryption: 'implicit-tls' });
    expect(p.ehlo).toBeUndefined();
    expect(p.starttlsReply).toBeUndefined();
    expect(p.greeting).toEqual({ code: 220, lines: [postfixBanner(HOSTS.mx1.name)] });
    expect(p.tls).toMatchObject({
      mode: 'implicit',
      version: PINNED.postfix465.version,
      cipher: PINNED.postfix465.cipher,
      cipherStandardName: PINNED.postfix465.standardName,
      trusted: true,
      hostnameMatch: true,
    });
    expectTlsAsLogged(p, log, 'mx1-465');
    expectFullChain(p, 'mx1');
    expect(capLines(p.ehloTls)).toEqual(postfixEhlo({ starttls: false, auth: true }));
    expect(p.ehloTls?.auth).toEqual(DOVECOT_MECHANISMS);
    expect(postfixSessions(log, 'mx1-465').disconnects).toEqual(['ehlo=1 quit=1 commands=2']);
    expect(codesAt(result, a, 465)).toEqual(['tls.ok']);
  });

  it('587: no AUTH before STARTTLS (smtpd_tls_auth_only), Dovecot’s mechanisms after it', () => {
    const { result, log } = run(DOMAINS.good);
    const p = probeOf(result, a, 587);
    expect(p).toMatchObject({ outcome: 'success', encryption: 'starttls' });
    expect(capLines(p.ehlo)).toEqual(postfixEhlo({ starttls: true }));
    expect(p.ehlo?.auth).toEqual([]);
    expect(capLines(p.ehloTls)).toEqual(postfixEhlo({ starttls: false, auth: true }));
    expect(p.ehloTls?.auth).toEqual(DOVECOT_MECHANISMS);
    expectTlsAsLogged(p, log, 'mx1-587');
    // smtpd_tls_security_level=encrypt: MAIL FROM:<> in clear gets 530 5.7.0 (Postfix counts it
    // as a failed command), then RSET (refused as well before TLS), then STARTTLS.
    expect(p.mailBeforeTls).toMatchObject({ accepted: false, reply: { code: 530, enhanced: '5.7.0' } });
    expect(postfixSessions(log, 'mx1-587').disconnects).toEqual(['ehlo=2 starttls=1 mail=0/1 rset=0/1 quit=1 commands=4/6']);
    expect(codesAt(result, a, 587)).toEqual(['submission.tls-required', 'tls.ok']);
    const row = result.summary.ports.find((s) => s.port === 587);
    expect(row).toMatchObject({ encryption: 'starttls', auth: 'offered', authBeforeTls: false });
  });

  it('2525: nothing listens, refused, no finding', () => {
    const { result } = run(DOMAINS.good);
    const p = probeOf(result, a, 2525);
    expect(p).toMatchObject({ outcome: 'connection-refused', phase: 'connect', systemError: 'ECONNREFUSED', encryption: 'unknown' });
    expect(p.greeting).toBeUndefined();
    expect(codesAt(result, a, 2525)).toEqual([]);
  });
});

describe('Postfix mx.authclear: AUTH offered before TLS on 587', () => {
  const a = HOSTS.authClear.address;
  it('reports AUTH in clear from both the AUTH and the legacy AUTH= line, as critical', () => {
    const { result, log } = run(DOMAINS.authClear);
    const p = probeOf(result, a, 587);
    expect(capLines(p.ehlo)).toEqual(postfixEhlo({ starttls: true, auth: true, legacyAuth: true }));
    expect(p.ehlo?.auth).toEqual(DOVECOT_MECHANISMS);
    expect(p.ehloTls?.auth).toEqual(DOVECOT_MECHANISMS);
    expect(p.encryption).toBe('starttls');
    expectTlsAsLogged(p, log, 'authClear-587');
    // A real Postfix with TLS optional (may) accepts MAIL FROM:<> in clear: critical on 587.
    expect(p.mailBeforeTls).toMatchObject({ accepted: true, reply: { code: 250 } });
    expect(codesAt(result, a, 587)).toEqual(['auth.before-tls', 'submission.mail-before-tls', 'tls.ok']);
    expect(result.findings.find((x) => x.code === 'submission.mail-before-tls')).toMatchObject({ severity: 'critical', port: 587 });
    expect(postfixSessions(log, 'authClear-587').disconnects).toEqual(['ehlo=2 starttls=1 mail=1 rset=1 quit=1 commands=6']);
    const f = result.findings.find((x) => x.code === 'auth.before-tls');
    expect(f).toMatchObject({ severity: 'critical', params: { port: 587, mechanisms: DOVECOT_MECHANISMS.join(' ') } });
    expect(result.summary.ports.find((s) => s.port === 587)).toMatchObject({ auth: 'offered', authBeforeTls: true, status: 'critical' });
    // Port 25 has SASL off: no AUTH on either side of STARTTLS.
    const p25 = probeOf(result, a, 25);
    expect(p25.ehlo?.auth).toEqual([]);
    expect(p25.ehloTls?.auth).toEqual([]);
    expect(codesAt(result, a, 25)).toEqual(['tls.ok']);
  });
});

describe('Postfix mx.plain: no TLS at all', () => {
  const a = HOSTS.plain.address;
  it('25: no STARTTLS offered, nothing encrypted', () => {
    const { result, log } = run(DOMAINS.plain);
    const p = probeOf(result, a, 25);
    expect(p).toMatchObject({ outcome: 'success', phase: 'done', encryption: 'none' });
    expect(capLines(p.ehlo)).toEqual(postfixEhlo({ starttls: false }));
    expect(p.ehlo?.starttls).toBe(false);
    expect(p.tls).toBeUndefined();
    expect(p.ehloTls).toBeUndefined();
    expect(p.starttlsReply).toBeUndefined();
    // The relay test runs in clear when there is no STARTTLS; refused, never DATA.
    expect(postfixSessions(log, 'plain-25').disconnects).toEqual(['ehlo=1 mail=4 rcpt=0/4 rset=4 quit=1 commands=10/14']);
    expect(p.relay).toMatchObject({ status: 'closed', tls: false });
    expect(codesAt(result, a, 25)).toEqual(['port25.no-starttls']);
  });

  it('587: AUTH in clear and no STARTTLS, both critical', () => {
    const { result } = run(DOMAINS.plain);
    const p = probeOf(result, a, 587);
    expect(capLines(p.ehlo)).toEqual(postfixEhlo({ starttls: false, auth: true }));
    expect(p).toMatchObject({ outcome: 'success', encryption: 'none' });
    expect(codesAt(result, a, 587)).toEqual(['auth.before-tls', 'submission.no-starttls']);
    expect(result.findings.filter((f) => f.port === 587).every((f) => f.severity === 'critical')).toBe(true);
  });

  it('465: a plaintext greeting where TLS is expected', () => {
    const { result, log } = run(DOMAINS.plain);
    const p = probeOf(result, a, 465);
    expect(p).toMatchObject({ outcome: 'plaintext-on-implicit-port', phase: 'tls', systemError: 'PLAINTEXT_ON_465', encryption: 'none' });
    expect(p.greeting).toEqual({ code: 220, lines: [postfixBanner(HOSTS.plain.name)] });
    expect(capLines(p.ehlo)).toEqual(postfixEhlo({ starttls: false }));
    expect(p.tls).toBeUndefined();
    // The server saw a TLS ClientHello as garbage, then a polite plaintext session.
    expect(postfixSessions(log, 'plain-465').disconnects).toEqual(['commands=0/0', 'ehlo=1 quit=1 commands=2']);
    expect(codesAt(result, a, 465)).toEqual(['port465.not-implicit-tls']);
    expect(result.summary.verdict).toBe('critical');
  });
});

describe('Postfix certificates: expired, wrong host, leaf without intermediate', () => {
  it('expired: untrusted for that reason, the chain still complete, days counted from notAfter', () => {
    const { result, log } = run(DOMAINS.expired);
    const p = probeOf(result, HOSTS.expired.address, 25);
    expect(p).toMatchObject({ outcome: 'success', encryption: 'starttls' });
    expect(p.tls).toMatchObject({ trusted: false, trustReason: 'expired', verifyError: 'CERT_HAS_EXPIRED', hostnameMatch: true });
    expectTlsAsLogged(p, log, 'expired-25');
    expectFullChain(p, 'expired');
    const leaf = p.tls?.chain[0];
    const daysAgo = Math.floor((Date.parse(result.startedAt) - Date.parse(leaf?.notAfter ?? '')) / 86_400_000);
    expect(daysAgo).toBe(10); // issued with notAfter 10 days back (lab.ts)
    const f = result.findings.find((x) => x.code === 'cert.expired');
    expect(f).toMatchObject({ severity: 'critical', port: 25, params: { host: HOSTS.expired.name, days: daysAgo } });
    expect(codesAt(result, HOSTS.expired.address, 25)).toEqual(['cert.expired']);
  });

  it('wrong host: the chain is trusted, the name does not match', () => {
    const { result, log } = run(DOMAINS.wrongHost);
    const p = probeOf(result, HOSTS.wrongHost.address, 25);
    expect(p.tls).toMatchObject({ trusted: true, hostnameMatch: false, servername: HOSTS.wrongHost.name });
    expect(p.tls?.trustReason).toBeUndefined();
    expect(p.tls?.chain[0]?.subjectAltNames).toEqual(['DNS:wrong-host.other.test']);
    expectTlsAsLogged(p, log, 'wrongHost-25');
    expectFullChain(p, 'wrongHost');
    expect(codesAt(result, HOSTS.wrongHost.address, 25)).toEqual(['cert.hostname-mismatch']);
    expect(result.findings.find((f) => f.code === 'cert.hostname-mismatch')?.params).toEqual({
      host: HOSTS.wrongHost.name,
      names: 'wrong-host.other.test',
    });
  });

  it('missing intermediate: only the leaf arrives, incomplete chain; critical on 465, a warning on 25', () => {
    const { result, log } = run(DOMAINS.chain);
    for (const port of [25, 465] as const) {
      const p = probeOf(result, HOSTS.chain.address, port);
      expect(p.outcome).toBe('success');
      expect(p.tls).toMatchObject({ trusted: false, trustReason: 'incomplete-chain', verifyError: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', hostnameMatch: true });
      expect(p.tls?.chain.map((c) => c.sha256)).toEqual([fp().leaves.chain]);
      expectTlsAsLogged(p, log, `chain-${port}`);
      expect(codesAt(result, HOSTS.chain.address, port)).toEqual(['cert.untrusted']);
    }
    const sev = (port: number) => result.findings.find((f) => f.code === 'cert.untrusted' && f.port === port)?.severity;
    expect(sev(25)).toBe('warning');
    expect(sev(465)).toBe('critical');
    expect(result.findings.find((f) => f.code === 'cert.untrusted')?.params).toMatchObject({ reason: 'incomplete-chain' });
    expect(result.summary.recommendation.mailClient).toMatchObject({ port: null, reason: 'rec.none-trusted' });
  });
});
