import { describe, expect, it } from 'vitest';
import { clientHelloSuites, localTlsSupport, offeredSuites } from '@/lib/probe/tls/local-tls-support';
import { familyCipherString, suiteFamilies, TlsMatrixPlanner, type LocalTlsSupport, type MatrixAttempt } from '@/lib/probe/tls/tls-matrix';
import { matrixFindings } from '@/lib/probe/findings/evaluate-tls-matrix';
import { TLS_SUITE_FAMILIES, TLS_VERSIONS, type TlsMatrix } from '@/lib/probe/schema';
import { probe, tls } from '../fixtures/probe-builders';

const ALL: LocalTlsSupport = { versions: new Set(TLS_VERSIONS), families: new Set(TLS_SUITE_FAMILIES) };
/** What Node 20's OpenSSL 3.0 here offers: no 3DES, no RC4. */
const NODE20: LocalTlsSupport = { versions: new Set(TLS_VERSIONS), families: new Set(['no-forward-secrecy', 'null', 'anonymous']) };

function drain(p: TlsMatrixPlanner): MatrixAttempt[] {
  const out: MatrixAttempt[] = [];
  for (let a = p.next(); a; a = p.next()) out.push(a);
  return out;
}

describe('suiteFamilies (IANA names)', () => {
  it.each([
    ['TLS_RSA_WITH_AES_128_GCM_SHA256', ['no-forward-secrecy']],
    ['TLS_RSA_WITH_3DES_EDE_CBC_SHA', ['no-forward-secrecy', '3des']],
    ['TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA', ['3des']],
    ['TLS_RSA_WITH_RC4_128_SHA', ['no-forward-secrecy', 'rc4']],
    ['TLS_ECDHE_RSA_WITH_NULL_SHA', ['null']],
    ['TLS_RSA_WITH_NULL_SHA256', ['no-forward-secrecy', 'null']],
    ['TLS_DH_anon_WITH_AES_128_CBC_SHA', ['anonymous']],
    ['TLS_ECDH_anon_WITH_NULL_SHA', ['null', 'anonymous']],
    ['TLS_ECDH_RSA_WITH_AES_128_CBC_SHA', ['no-forward-secrecy']],
    ['TLS_DHE_RSA_WITH_AES_128_GCM_SHA256', []],
    ['TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256', []],
    ['TLS_AES_128_GCM_SHA256', []],
    ['SSL_RSA_WITH_RC4_128_MD5', ['no-forward-secrecy', 'rc4']],
  ])('%s → %j', (name, families) => {
    expect(suiteFamilies(name)).toEqual(families);
  });

  it('offers the families as one OpenSSL string at security level 0', () => {
    expect(familyCipherString(['no-forward-secrecy', 'null'])).toBe('kRSA:eNULL:@SECLEVEL=0');
  });
});

describe('TlsMatrixPlanner', () => {
  it('a TLS 1.3 server: 1.2 pinned, 1.0 and 1.1 in one range, every family in one offer', () => {
    const p = new TlsMatrixPlanner({ version: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384' }, ALL);
    expect(drain(p)).toEqual([
      { kind: 'versions', versions: ['TLSv1.2'] },
      { kind: 'versions', versions: ['TLSv1', 'TLSv1.1'] },
      { kind: 'suites', families: ['no-forward-secrecy', '3des', 'rc4', 'null', 'anonymous'] },
    ]);
  });

  it('a refused range refuses both old versions; the probe proved its own version', () => {
    const p = new TlsMatrixPlanner({ version: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384' }, ALL);
    const [v12, legacy, suites] = drain(p);
    p.record(v12!, { kind: 'accepted', version: 'TLSv1.2', cipher: 'ECDHE-RSA-AES128-GCM-SHA256' });
    p.record(legacy!, { kind: 'refused', detail: 'unsupported protocol' });
    p.record(suites!, { kind: 'refused', detail: 'handshake failure' });
    expect(p.done).toBe(true);
    const m = p.result(12.4);
    expect(m.versions).toEqual([
      { version: 'TLSv1', status: 'refused', evidence: 'range', detail: 'unsupported protocol' },
      { version: 'TLSv1.1', status: 'refused', evidence: 'range', detail: 'unsupported protocol' },
      { version: 'TLSv1.2', status: 'accepted', evidence: 'pinned', cipher: 'ECDHE-RSA-AES128-GCM-SHA256' },
      { version: 'TLSv1.3', status: 'accepted', evidence: 'probe', cipher: 'TLS_AES_256_GCM_SHA384' },
    ]);
    expect(m.suites.every((s) => s.status === 'refused')).toBe(true);
    expect(m).toMatchObject({ handshakes: 3, ms: 12 });
  });

  it('an accepted range proves only the version negotiated; the other gets its own handshake', () => {
    const p = new TlsMatrixPlanner({ version: 'TLSv1.2' }, { ...ALL, families: new Set() });
    const [v13, legacy] = drain(p);
    expect(v13).toEqual({ kind: 'versions', versions: ['TLSv1.3'] });
    p.record(v13!, { kind: 'refused', detail: 'tlsv1 alert protocol version' });
    p.record(legacy!, { kind: 'accepted', version: 'TLSv1.1', cipher: 'ECDHE-RSA-AES128-SHA' });
    expect(p.done).toBe(false);
    const follow = drain(p);
    expect(follow).toEqual([{ kind: 'versions', versions: ['TLSv1'] }]);
    p.record(follow[0]!, { kind: 'accepted', version: 'TLSv1', cipher: 'ECDHE-RSA-AES128-SHA' });
    const m = p.result(0);
    expect(m.versions.map((v) => [v.version, v.status, v.evidence])).toEqual([
      ['TLSv1', 'accepted', 'pinned'],
      ['TLSv1.1', 'accepted', 'range'],
      ['TLSv1.2', 'accepted', 'probe'],
      ['TLSv1.3', 'refused', 'pinned'],
    ]);
    expect(m.handshakes).toBe(3);
  });

  it('a version this OpenSSL cannot offer is untested (local-openssl), never refused, and not tried', () => {
    const p = new TlsMatrixPlanner({ version: 'TLSv1.3' }, { versions: new Set(['TLSv1.1', 'TLSv1.2', 'TLSv1.3']), families: new Set(['null']) });
    expect(drain(p)).toEqual([
      { kind: 'versions', versions: ['TLSv1.2'] },
      { kind: 'versions', versions: ['TLSv1.1'] },
      { kind: 'suites', families: ['null'] },
    ]);
    const m = p.result(0);
    expect(m.versions[0]).toMatchObject({ version: 'TLSv1', status: 'untested', reason: 'local-openssl' });
    expect(m.suites.filter((s) => s.reason === 'local-openssl').map((s) => s.family)).toEqual(['no-forward-secrecy', '3des', 'rc4', 'anonymous']);
  });

  it('without any version below 1.3 locally, no suite family can be offered', () => {
    const p = new TlsMatrixPlanner({ version: 'TLSv1.3' }, { versions: new Set(['TLSv1.3']), families: new Set(TLS_SUITE_FAMILIES) });
    expect(drain(p)).toEqual([]);
    expect(p.result(0).suites.every((s) => s.status === 'untested' && s.reason === 'local-openssl')).toBe(true);
    expect(p.result(0).versions.map((v) => v.status)).toEqual(['untested', 'untested', 'untested', 'accepted']);
  });

  it('an accepted weak suite marks its families and offers the remaining ones again', () => {
    const p = new TlsMatrixPlanner({ version: 'TLSv1.2' }, NODE20);
    const suites = drain(p).find((a) => a.kind === 'suites')!;
    expect(suites).toEqual({ kind: 'suites', families: ['no-forward-secrecy', 'null', 'anonymous'] });
    p.record(suites, { kind: 'accepted', version: 'TLSv1.2', cipher: 'NULL-SHA256', standardName: 'TLS_RSA_WITH_NULL_SHA256' });
    const again = drain(p);
    expect(again).toEqual([{ kind: 'suites', families: ['anonymous'] }]);
    p.record(again[0]!, { kind: 'refused', detail: 'handshake failure' });
    const m = p.result(0);
    expect(m.suites).toEqual([
      { family: 'no-forward-secrecy', status: 'accepted', cipher: 'NULL-SHA256', cipherStandardName: 'TLS_RSA_WITH_NULL_SHA256', version: 'TLSv1.2' },
      { family: '3des', status: 'untested', reason: 'local-openssl', detail: "this machine's OpenSSL cannot offer 3des suites" },
      { family: 'rc4', status: 'untested', reason: 'local-openssl', detail: "this machine's OpenSSL cannot offer rc4 suites" },
      { family: 'null', status: 'accepted', cipher: 'NULL-SHA256', cipherStandardName: 'TLS_RSA_WITH_NULL_SHA256', version: 'TLSv1.2' },
      { family: 'anonymous', status: 'refused', detail: 'handshake failure' },
    ]);
  });

  it('a suite outside the offer ends the family search instead of looping', () => {
    const p = new TlsMatrixPlanner({ version: 'TLSv1.3' }, NODE20);
    const suites = drain(p).find((a) => a.kind === 'suites')!;
    p.record(suites, { kind: 'accepted', version: 'TLSv1.2', cipher: 'ECDHE-RSA-AES128-GCM-SHA256', standardName: 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256' });
    expect(drain(p)).toEqual([]);
    expect(p.result(0).suites.find((s) => s.family === 'null')).toMatchObject({ status: 'untested', reason: 'inconclusive' });
  });

  it('an untested attempt leaves its versions untested with the reason; what never ran reads aborted', () => {
    const p = new TlsMatrixPlanner({ version: 'TLSv1.3' }, ALL);
    const [v12] = [p.next()];
    p.record(v12!, { kind: 'untested', reason: 'no-session', detail: 'greeting: 421 busy' });
    const m = p.result(0);
    expect(m.versions[2]).toEqual({ version: 'TLSv1.2', status: 'untested', reason: 'no-session', detail: 'greeting: 421 busy' });
    expect(m.versions[0]).toEqual({ version: 'TLSv1', status: 'untested', reason: 'aborted' });
    expect(m.suites[0]).toEqual({ family: 'no-forward-secrecy', status: 'untested', reason: 'aborted' });
  });

  it('a handshake with a version that was not offered is inconclusive', () => {
    const p = new TlsMatrixPlanner({ version: 'TLSv1.3' }, ALL);
    const v12 = p.next()!;
    p.record(v12, { kind: 'accepted', version: 'TLSv1.3', cipher: 'x' });
    expect(p.result(0).versions[2]).toMatchObject({ status: 'untested', reason: 'inconclusive' });
  });
});

describe('matrix findings', () => {
  const matrix = (v: Partial<Record<string, 'accepted' | 'refused' | 'untested'>>, s: Partial<Record<string, 'accepted' | 'refused' | 'untested'>> = {}): TlsMatrix => ({
    versions: TLS_VERSIONS.map((version) => ({ version, status: v[version] ?? 'refused', ...(v[version] === 'untested' ? { reason: 'timeout' as const } : {}) })),
    suites: TLS_SUITE_FAMILIES.map((family) => ({ family, status: s[family] ?? 'refused', ...(s[family] === 'accepted' ? { cipher: `${family}-CIPHER` } : {}), ...(s[family] === 'untested' ? { reason: 'local-openssl' as const } : {}) })),
    handshakes: 3,
    ms: 10,
  });
  const p = probe({ port: 25, tls: tls({ version: 'TLSv1.3' }) });

  it('TLS 1.3 negotiated, TLS 1.0 still accepted: a warning naming both', () => {
    const f = matrixFindings(p, matrix({ TLSv1: 'accepted', 'TLSv1.2': 'accepted', 'TLSv1.3': 'accepted' }));
    expect(f).toEqual([
      expect.objectContaining({ code: 'tls.legacy-version-accepted', severity: 'warning', untested: false, scope: 'port', port: 25, params: { port: 25, versions: 'TLS 1.0', negotiated: 'TLS 1.3' } }),
    ]);
  });

  it('a clean modern server has no finding', () => {
    expect(matrixFindings(p, matrix({ 'TLSv1.2': 'accepted', 'TLSv1.3': 'accepted' }))).toEqual([]);
  });

  it('only TLS 1.0 and 1.1: critical, and no separate legacy warning', () => {
    const f = matrixFindings(probe({ port: 25, tls: tls({ version: 'TLSv1.1' }) }), matrix({ TLSv1: 'accepted', 'TLSv1.1': 'accepted' }));
    expect(f.map((x) => [x.code, x.severity, x.params?.versions])).toEqual([['tls.no-modern-version', 'critical', 'TLS 1.0, TLS 1.1']]);
  });

  it('TLS 1.2 untested is not "no modern version"', () => {
    const f = matrixFindings(p, matrix({ TLSv1: 'accepted', 'TLSv1.2': 'untested' }));
    expect(f.map((x) => x.code)).toEqual(['tls.matrix-incomplete']);
    expect(f[0]).toMatchObject({ untested: true, severity: 'info', params: { what: 'TLS 1.2', reason: 'timeout' } });
  });

  it('static RSA is info; 3DES or anonymous alone a warning; NULL critical', () => {
    const modern = { 'TLSv1.2': 'accepted', 'TLSv1.3': 'accepted' } as const;
    expect(matrixFindings(p, matrix(modern, { 'no-forward-secrecy': 'accepted' }))).toEqual([
      expect.objectContaining({ code: 'tls.no-forward-secrecy', severity: 'info', params: { port: 25, cipher: 'no-forward-secrecy-CIPHER' } }),
    ]);
    expect(matrixFindings(p, matrix(modern, { '3des': 'accepted' })).map((x) => [x.code, x.severity])).toEqual([['tls.broken-cipher', 'warning']]);
    expect(matrixFindings(p, matrix(modern, { anonymous: 'accepted' })).map((x) => [x.code, x.severity])).toEqual([['tls.broken-cipher', 'warning']]);
    expect(matrixFindings(p, matrix(modern, { rc4: 'accepted' })).map((x) => [x.code, x.severity])).toEqual([['tls.broken-cipher', 'critical']]);
    const f = matrixFindings(p, matrix(modern, { '3des': 'accepted', null: 'accepted', anonymous: 'accepted' }));
    expect(f).toEqual([expect.objectContaining({ code: 'tls.broken-cipher', severity: 'critical', params: { port: 25, families: '3DES, NULL, anonymous', cipher: '3des-CIPHER, null-CIPHER, anonymous-CIPHER' } })]);
  });

  it('what this OpenSSL cannot offer is not a finding', () => {
    expect(matrixFindings(p, matrix({ 'TLSv1.2': 'accepted', 'TLSv1.3': 'accepted' }, { '3des': 'untested', rc4: 'untested' }))).toEqual([]);
  });
});

describe('local OpenSSL support (ClientHello built in memory)', () => {
  it('reads the suites of a ClientHello and rejects other bytes', () => {
    expect(clientHelloSuites(Buffer.from('EHLO x\r\n'))).toBeUndefined();
    expect(clientHelloSuites(Buffer.alloc(10))).toBeUndefined();
  });

  it('TLS 1.3 is always offered; a version Node offers puts its suites in the ClientHello', async () => {
    const support = await localTlsSupport();
    expect(support.versions.has('TLSv1.3')).toBe(true);
    expect(support.versions.has('TLSv1.2')).toBe(true);
    const hello = await offeredSuites({ minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', ciphers: 'kRSA:@SECLEVEL=0' });
    // TLS_RSA_WITH_AES_128_CBC_SHA (0x002f) is static RSA; the list holds nothing forward-secret.
    expect(hello).toContain(0x002f);
    expect(hello).not.toContain(0xc02f);
  });

  it('a family OpenSSL does not know builds no ClientHello', async () => {
    expect(await offeredSuites({ minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', ciphers: 'NO-SUCH-SUITE' })).toBeUndefined();
  });

  it('agrees with OpenSSL about 3DES and RC4: offered only if OpenSSL lists such a suite', async () => {
    const support = await localTlsSupport();
    for (const f of ['3des', 'rc4'] as const) {
      const hello = await offeredSuites({ minVersion: 'TLSv1', maxVersion: 'TLSv1.2', ciphers: familyCipherString([f]) });
      expect(support.families.has(f)).toBe(hello !== undefined && hello.some((s) => s !== 0x00ff));
    }
  });
});
