/**
 * mxray against a second real MTA: Exim 4 (Debian's exim4-daemon-light, built on GnuTLS rather
 * than OpenSSL), with its own greeting style (two 220 lines), EHLO vocabulary (PIPECONNECT, HELP)
 * and STARTTLS reply. Expectations come from tests/fixtures/interop/exim.ts's configuration.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { CheckResult, PortProbe } from '@/lib/probe/schema';
import { capLines, check, codesAt, lab, logMark, probeOf, waitForLog } from '@/tests/fixtures/interop/check';
import { DOMAINS, EHLO_NAME, EXIM_SIZE_LIMIT, HOSTS, PINNED, eximBanner } from '@/tests/fixtures/interop/plan';

/** Exim's EHLO order (smtp_in.c): SIZE, 8BITMIME, PIPELINING, PIPECONNECT, AUTH, CHUNKING, STARTTLS, SMTPUTF8, HELP. */
function eximEhlo(o: { starttls: boolean; auth?: boolean }): string[] {
  return [
    `SIZE ${EXIM_SIZE_LIMIT}`,
    '8BITMIME',
    'PIPELINING',
    'PIPECONNECT',
    ...(o.auth ? ['AUTH PLAIN LOGIN'] : []),
    'CHUNKING',
    ...(o.starttls ? ['STARTTLS'] : []),
    'SMTPUTF8',
    'HELP',
  ];
}

const a = HOSTS.mx2.address;
let result: CheckResult;
let eximLog: string;

beforeAll(async () => {
  const mark = logMark(lab().eximLog);
  result = (await check(DOMAINS.good)).result;
  // Three sessions (25, 465, 587), each ended by our QUIT.
  eximLog = await waitForLog(lab().eximLog, mark, (t) => (t.match(/ closed by QUIT/g) ?? []).length >= 3);
});

function expectTrustedChain(p: PortProbe): void {
  const fp = lab().fingerprints;
  expect(p.tls).toMatchObject({ trusted: true, hostnameMatch: true, servername: HOSTS.mx2.name });
  expect(p.tls?.trustReason).toBeUndefined();
  expect(p.tls?.chain.map((c) => [c.sha256, c.inTrustStore])).toEqual([
    [fp.leaves.mx2, false],
    [fp.intermediate, false],
    [fp.root, true],
  ]);
  expect(p.tls?.chain[0]).toMatchObject({ keyType: 'rsa', keyBits: 2048, subjectAltNames: [`DNS:${HOSTS.mx2.name}`] });
}

/** tls_require_ciphers pins GnuTLS to TLS 1.3 with ChaCha20-Poly1305. */
function expectPinnedTls(p: PortProbe, mode: 'starttls' | 'implicit'): void {
  expect(p.tls).toMatchObject({
    mode,
    version: PINNED.exim.version,
    cipher: PINNED.exim.cipher,
    cipherStandardName: PINNED.exim.standardName,
  });
}

describe('Exim mx2 (GnuTLS)', () => {
  it('25: two-line greeting, EHLO before and after STARTTLS, no AUTH on the relay port', () => {
    const p = probeOf(result, a, 25);
    expect(p).toMatchObject({ host: HOSTS.mx2.name, outcome: 'success', phase: 'done', encryption: 'starttls' });
    expect(p.greeting).toEqual({ code: 220, lines: eximBanner(HOSTS.mx2.name, lab().eximVersion) });
    expect(p.ehlo?.reply.lines[0]).toBe(`${HOSTS.mx2.name} Hello ${EHLO_NAME} [127.0.0.1]`);
    expect(p.ehlo?.serverName).toBe(HOSTS.mx2.name);
    expect(capLines(p.ehlo)).toEqual(eximEhlo({ starttls: true }));
    expect(p.ehlo).toMatchObject({
      starttls: true, pipelining: true, eightBitMime: true, smtpUtf8: true, chunking: true,
      enhancedStatusCodes: false, dsn: false, size: EXIM_SIZE_LIMIT, auth: [], heloFallback: false,
    });
    expect(p.starttlsReply).toEqual({ code: 220, lines: ['TLS go ahead'] });
    expectPinnedTls(p, 'starttls');
    expectTrustedChain(p);
    expect(capLines(p.ehloTls)).toEqual(eximEhlo({ starttls: false }));
    expect(p.ehloTls?.auth).toEqual([]);
    expect(codesAt(result, a, 25)).toEqual(['tls.ok']);
  });

  it('465: tls_on_connect, then the greeting and AUTH inside TLS', () => {
    const p = probeOf(result, a, 465);
    expect(p).toMatchObject({ outcome: 'success', phase: 'done', encryption: 'implicit-tls' });
    expect(p.ehlo).toBeUndefined();
    expect(p.greeting).toEqual({ code: 220, lines: eximBanner(HOSTS.mx2.name, lab().eximVersion) });
    expectPinnedTls(p, 'implicit');
    expectTrustedChain(p);
    expect(capLines(p.ehloTls)).toEqual(eximEhlo({ starttls: false, auth: true }));
    expect(p.ehloTls?.auth).toEqual(['PLAIN', 'LOGIN']);
    expect(codesAt(result, a, 465)).toEqual(['tls.ok']);
  });

  it('587: AUTH only inside TLS (auth_advertise_hosts)', () => {
    const p = probeOf(result, a, 587);
    expect(p).toMatchObject({ outcome: 'success', encryption: 'starttls' });
    expect(capLines(p.ehlo)).toEqual(eximEhlo({ starttls: true }));
    expect(p.ehlo?.auth).toEqual([]);
    expectPinnedTls(p, 'starttls');
    expect(capLines(p.ehloTls)).toEqual(eximEhlo({ starttls: false, auth: true }));
    expect(p.ehloTls?.auth).toEqual(['PLAIN', 'LOGIN']);
    // acl_smtp_mail: no transaction before STARTTLS on 587, answered 530 5.7.0.
    expect(p.mailBeforeTls).toEqual({ accepted: false, reply: { code: 530, enhanced: '5.7.0', lines: ['5.7.0 Must issue a STARTTLS command first'] } });
    expect(codesAt(result, a, 587)).toEqual(['submission.tls-required', 'tls.ok']);
  });

  it('2525: refused; the domain as a whole is OK but for its missing MTA-STS, with 465 recommended to mail clients', () => {
    expect(probeOf(result, a, 2525)).toMatchObject({ outcome: 'connection-refused', systemError: 'ECONNREFUSED' });
    // The lab's zone publishes no MTA-STS record: the one piece of information.
    // The lab's NSD answers directly and never validates: no AD bit anywhere (issue 12, DNSSEC).
    expect(result.findings.filter((f) => f.severity !== 'ok').map((f) => f.code)).toEqual(['mta-sts.absent', 'dnssec.resolver-not-validating']);
    expect(result.summary.verdict).toBe('info');
    expect(result.summary.recommendation.mailClient).toMatchObject({ port: 465, encryption: 'implicit-tls' });
    expect(result.summary.recommendation.application).toMatchObject({ port: 587, encryption: 'starttls' });
  });

  it('Exim logged polite sessions: every one ended by QUIT, nothing received, only the relay test refused', () => {
    const sessions = eximLog.split('\n').filter((l) => l.includes('SMTP connection from'));
    expect(sessions.filter((l) => l.endsWith(`(${EHLO_NAME}) [127.0.0.1] closed by QUIT`))).toHaveLength(3);
    expect(eximLog).not.toMatch(/ <= | dropped| TLS error|syntax/);
    // The relay test's four foreign recipients on 25, refused by the relay_from_hosts rule, and
    // MAIL FROM:<> in clear on 587 (acl_check_mail); nothing else.
    expect(eximLog.match(/ rejected RCPT <[^>]+>: relay not permitted/g)).toHaveLength(4);
    const rejected = eximLog.split('\n').filter((l) => / rejected /.test(l) && !/ rejected RCPT <[^>]+>: relay not permitted/.test(l));
    expect(rejected).toHaveLength(1);
    expect(rejected[0]).toMatch(/H=\(probe\.interop\.test\) \[127\.0\.0\.1\] .*rejected MAIL <>: 530 5\.7\.0 Must issue a STARTTLS command first|rejected MAIL <>/);
  });
});

describe('Exim that cannot load its key (a classic: the key readable by root only)', () => {
  it('advertises STARTTLS, refuses it with 454; mxray reports a refused STARTTLS, nothing encrypted', async () => {
    const mark = logMark(lab().brokenTlsLog);
    const { result: r } = await check(DOMAINS.brokenTls);
    const p = probeOf(r, HOSTS.brokenTls.address, 25);
    expect(p.greeting).toEqual({ code: 220, lines: eximBanner(HOSTS.brokenTls.name, lab().eximVersion) });
    expect(capLines(p.ehlo)).toEqual(eximEhlo({ starttls: true }));
    expect(p).toMatchObject({ outcome: 'starttls-rejected', phase: 'starttls', smtpCode: 454, encryption: 'none' });
    expect(p.starttlsReply).toEqual({ code: 454, lines: ['TLS currently unavailable'] });
    expect(p.tls).toBeUndefined();
    expect(p.ehloTls).toBeUndefined();
    expect(r.findings.filter((f) => f.scope === 'port').map((f) => [f.code, f.severity, f.port])).toEqual([['starttls.rejected', 'critical', 25]]);
    expect(r.findings.find((f) => f.code === 'starttls.rejected')?.params).toEqual({ code: 454, text: 'TLS currently unavailable' });
    expect(r.summary.ports.find((s) => s.port === 25)).toMatchObject({ encryption: 'none', downgradeRisk: 'plaintext', status: 'critical' });
    // The server's side of the story, and a polite end all the same.
    const log = await waitForLog(lab().brokenTlsLog, mark, / closed by QUIT/);
    expect(log).toMatch(/TLS error on connection from \(probe\.interop\.test\) \[127\.0\.0\.1\] \(cert\/key setup: .*\): Error while reading file/);
  });
});
