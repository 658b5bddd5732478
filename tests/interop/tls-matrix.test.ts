/**
 * The TLS matrix against a real Postfix (a second instance beside the lab's, on 127.123.60.0/24):
 * port 25 still accepts TLS 1.0 and 1.1 the way an old main.cf does it (smtpd_tls_protocols =
 * >=TLSv1, and the OpenSSL 3 security level lowered in the cipher list, without which OpenSSL
 * refuses TLS < 1.2 itself); port 587 only TLS 1.2 and newer. The engine is wired from the
 * environment as the CLI and the web app wire it, with PROBE_TLS_MATRIX on. Postfix's own log must
 * show the TLS 1.0 session mxray reports.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEnv } from '@/lib/env';
import { createEngine, engineConfigFromEnv } from '@/lib/probe/create-engine';
import { CheckEventSchema, CheckResultSchema, type CheckEvent, type CheckResult } from '@/lib/probe/schema';
import { reverseName, startDnsServer, type DnsServerHandle } from '@/tests/fixtures/dns-server';
import { lab, postfixSessions, waitForLog, logMark } from '@/tests/fixtures/interop/check';
import { installExitHooks, stopPid } from '@/tests/fixtures/interop/daemons';
import { HOSTS, RUN_DIR } from '@/tests/fixtures/interop/plan';
import { startPostfix, type PostfixHandle, type TlsFiles } from '@/tests/fixtures/interop/postfix';

const ADDRESS = '127.123.60.1';
const DOMAIN = 'legacy-tls.matrix.test';
const MX = `mx.${DOMAIN}`;
const RUN = join(tmpdir(), 'mxray-interop-tls-matrix');

let postfix: PostfixHandle | undefined;
let dns: DnsServerHandle | undefined;
let run: { result: CheckResult; events: CheckEvent[]; log: string };

beforeAll(async () => {
  installExitHooks();
  mkdirSync(RUN, { recursive: true, mode: 0o755 });
  mkdirSync(join(RUN, 'pids'), { recursive: true });
  // The lab's own key and chain files (written by the global set-up), for every host key.
  const pki = join(RUN_DIR, 'pki');
  const tls = Object.fromEntries(Object.keys(HOSTS).map((h) => [h, { key: join(pki, `${h}.key`), chain: join(pki, `${h}.chain.pem`) }])) as Record<keyof typeof HOSTS, TlsFiles>;
  if (!existsSync(tls.mx1.key)) throw new Error(`the interop lab's key files are missing under ${pki}`);
  postfix = await startPostfix({
    dir: join(RUN, 'postfix'),
    runDir: RUN,
    // SASL stays off on both services: nothing here authenticates.
    saslSocket: join(RUN, 'no-sasl'),
    tls,
    name: 'postfix-tls-matrix',
    services: [
      {
        host: 'mx1',
        port: 25,
        listen: ADDRESS,
        o: {
          myhostname: MX,
          smtpd_tls_protocols: '>=TLSv1',
          smtpd_tls_mandatory_protocols: '>=TLSv1',
          // Postfix's default medium list, with OpenSSL 3's security level 0: only then does
          // OpenSSL itself agree to TLS 1.0/1.1 (SHA-1 in their handshake).
          tls_medium_cipherlist: 'aNULL:-aNULL:HIGH:MEDIUM:+RC4:@STRENGTH:@SECLEVEL=0',
        },
      },
      { host: 'mx1', port: 587, listen: ADDRESS, o: { myhostname: MX, smtpd_tls_protocols: '>=TLSv1.2', smtpd_tls_mandatory_protocols: '>=TLSv1.2' } },
    ],
  });
  dns = await startDnsServer([
    { name: DOMAIN, type: 'MX', preference: 10, exchange: MX },
    { name: MX, type: 'A', address: ADDRESS },
    { name: reverseName(ADDRESS), type: 'PTR', target: MX },
  ]);
  const engine = createEngine(
    engineConfigFromEnv(
      loadEnv({
        NODE_ENV: 'test',
        DNS_SERVERS: dns.servers,
        PROBE_ALLOW_CIDRS: '127.123.60.0/24',
        ALLOW_TEST_DOMAINS: 'true',
        NODE_EXTRA_CA_CERTS: lab().caFile,
        PROBE_EHLO_NAME: 'probe.matrix.test',
        PROBE_TLS_MATRIX: 'true',
      }),
    ),
  );
  const prepared = engine.prepare(DOMAIN, 'domain');
  if (!prepared.ok) throw new Error(prepared.message);
  const mark = logMark(postfix.logFile);
  const events: CheckEvent[] = [];
  const gen = engine.run(prepared.target);
  let next = await gen.next();
  while (!next.done) {
    events.push(CheckEventSchema.parse(next.value));
    next = await gen.next();
  }
  const result = CheckResultSchema.parse(next.value);
  const connections = 2 + result.probes.reduce((n, p) => n + (p.tlsMatrix?.handshakes ?? 0), 0);
  const log = await waitForLog(postfix.logFile, mark, (t) => (t.match(/\/smtpd\[\d+\]: disconnect from /g) ?? []).length >= connections);
  run = { result, events, log };
}, 90_000);

afterAll(async () => {
  await dns?.close();
  if (postfix) await stopPid(postfix.daemon.pid);
});

const probeAt = (port: number) => run.result.probes.find((p) => p.address === ADDRESS && p.port === port)!;

describe('TLS matrix against Postfix', () => {
  it('port 25 negotiates TLS 1.3 yet still accepts TLS 1.0 and 1.1, each in its own handshake: warning', () => {
    const p = probeAt(25);
    expect(p.tls?.version).toBe('TLSv1.3');
    expect(p.tlsMatrix?.versions.map((v) => [v.version, v.status])).toEqual([
      ['TLSv1', 'accepted'],
      ['TLSv1.1', 'accepted'],
      ['TLSv1.2', 'accepted'],
      ['TLSv1.3', 'accepted'],
    ]);
    const f = run.result.findings.filter((x) => x.code === 'tls.legacy-version-accepted');
    expect(f).toEqual([expect.objectContaining({ severity: 'warning', port: 25, address: ADDRESS, params: expect.objectContaining({ versions: 'TLS 1.0, TLS 1.1', negotiated: 'TLS 1.3' }) })]);
  });

  it('Postfix logged the TLS 1.0 and 1.1 sessions mxray reports', () => {
    const logged = postfixSessions(run.log, 'mx1-25').tls.map((t) => t.version);
    expect(logged).toEqual(expect.arrayContaining(['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3']));
    const v10 = probeAt(25).tlsMatrix?.versions.find((v) => v.version === 'TLSv1');
    expect(postfixSessions(run.log, 'mx1-25').tls.find((t) => t.version === 'TLSv1')?.cipher).toBe(v10?.cipher);
  });

  it('port 587 (>=TLSv1.2) refuses TLS 1.0 and 1.1: no legacy-version finding there', () => {
    const p = probeAt(587);
    expect(p.tlsMatrix?.versions.map((v) => [v.version, v.status])).toEqual([
      ['TLSv1', 'refused'],
      ['TLSv1.1', 'refused'],
      ['TLSv1.2', 'accepted'],
      ['TLSv1.3', 'accepted'],
    ]);
    expect(run.result.findings.filter((x) => x.port === 587 && x.code === 'tls.legacy-version-accepted')).toEqual([]);
    // Postfix logged no session below TLS 1.2 on this service.
    expect(postfixSessions(run.log, 'mx1-587').tls.map((t) => t.version).filter((v) => v === 'TLSv1' || v === 'TLSv1.1')).toEqual([]);
  });

  it('Postfix\'s default list keeps anonymous suites (opportunistic TLS): a warning; no NULL, no static RSA with an ECDSA key', () => {
    for (const port of [25, 587]) {
      const suites = probeAt(port).tlsMatrix!.suites;
      const anon = suites.find((s) => s.family === 'anonymous');
      expect(anon).toMatchObject({ status: 'accepted' });
      expect(anon?.cipherStandardName).toMatch(/^TLS_(EC)?DH_anon_/);
      expect(suites.find((s) => s.family === 'null')?.status).toBe('refused');
      // An ECDSA certificate: no static RSA key exchange is possible.
      expect(suites.find((s) => s.family === 'no-forward-secrecy')?.status).toBe('refused');
      // What this machine's OpenSSL cannot offer (3DES, RC4 here) is "not tested", never "refused".
      for (const s of suites.filter((x) => x.status === 'untested')) expect(s.reason).toBe('local-openssl');
      expect(run.result.findings.filter((f) => f.port === port && f.code === 'tls.broken-cipher')).toEqual([
        expect.objectContaining({ severity: 'warning', params: expect.objectContaining({ families: 'anonymous' }) }),
      ]);
    }
    // Postfix logged the anonymous session itself.
    expect(postfixSessions(run.log, 'mx1-25').tls.some((t) => /^(ADH|AECDH)-/.test(t.cipher))).toBe(true);
  });

  it('each matrix arrived as its own event before its probe-done, and the log shows no transaction from the matrix', () => {
    const order = run.events.map((e) => (e.type === 'probe-tls-matrix' ? `m${e.port}` : e.type === 'probe-done' ? `d${e.probe.port}` : ''));
    for (const port of [25, 587]) expect(order.indexOf(`m${port}`)).toBeLessThan(order.indexOf(`d${port}`));
    // Relay test (port 25) and MAIL-before-TLS (587) are the probes' own; nothing was ever queued.
    expect(readFileSync(postfix!.logFile, 'utf8')).not.toMatch(/: message-id=|queued as/);
  });
});
