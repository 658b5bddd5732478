/**
 * describeCertificate's smaller decisions, each on a real certificate Node parses: the key of
 * every type the report names (Ed25519, Ed448, the NIST curves and the ones it leaves as OpenSSL
 * names them), the most specific CN, a certificate without a CN, a subject that equals its issuer
 * but was signed by another key, and the exact edges of the validity and subjectAltName text
 * readers. Certificates are issued by one ECDSA P-256 key (@peculiar/x509); the subject keys come
 * from node:crypto, which has every curve OpenSSL has.
 */
import '@/tests/fixtures/reflect-metadata-shim';
import { generateKeyPairSync, X509Certificate, webcrypto, type KeyObject } from 'node:crypto';
import * as peculiar from '@peculiar/x509';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeCertificate, parseOpenSslTime, splitSubjectAltName } from '@/lib/probe/tls/describe-certificate';

peculiar.cryptoProvider.set(webcrypto as unknown as Crypto);

const now = new Date('2026-06-01T00:00:00Z');
const NO_ANCHORS = new Set<string>();
let signer: CryptoKeyPair;

beforeAll(async () => {
  signer = (await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as CryptoKeyPair;
});

/** A certificate for `publicKey`, with the given names, signed by the shared P-256 signer. */
async function issue(publicKey: KeyObject, opts: { subject?: string; issuer?: string; serial?: string } = {}) {
  const cert = await peculiar.X509CertificateGenerator.create({
    serialNumber: opts.serial ?? '0a',
    subject: opts.subject ?? 'CN=key.example.test',
    issuer: opts.issuer ?? 'CN=signer.example.test',
    notBefore: new Date('2026-01-01T00:00:00Z'),
    notAfter: new Date('2027-01-01T00:00:00Z'),
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' } as EcdsaParams,
    publicKey: new peculiar.PublicKey(publicKey.export({ type: 'spki', format: 'der' })),
    signingKey: signer.privateKey,
  });
  return new X509Certificate(cert.toString('pem'));
}

const describe1 = (cert: X509Certificate) => describeCertificate(cert, { now, anchorFingerprints: NO_ANCHORS });

describe('key type, size and curve', () => {
  it.each([
    ['secp384r1', 'P-384', 384],
    ['secp521r1', 'P-521', 521],
    ['prime256v1', 'P-256', 256],
    // curves without a NIST name keep OpenSSL's
    ['secp256k1', 'secp256k1', 256],
    ['brainpoolP256r1', 'brainpoolP256r1', 256],
    ['brainpoolP384r1', 'brainpoolP384r1', 384],
    ['brainpoolP512r1', 'brainpoolP512r1', 512],
  ])('an EC key on %s reads curve %s, %i bits', async (namedCurve, curve, bits) => {
    const d = describe1(await issue(generateKeyPairSync('ec', { namedCurve }).publicKey));
    expect(d).toMatchObject({ keyType: 'ec', curve, keyBits: bits });
  });

  it('a key whose size the report does not know has no size at all (not an undefined one)', async () => {
    const x25519 = describe1(await issue(generateKeyPairSync('x25519').publicKey));
    expect(x25519.keyType).toBe('x25519');
    expect('keyBits' in x25519).toBe(false);
    expect('curve' in x25519).toBe(false);
  });

  it('Ed25519 and Ed448 keys have their fixed sizes and no curve', async () => {
    const ed25519 = describe1(await issue(generateKeyPairSync('ed25519').publicKey));
    expect(ed25519).toMatchObject({ keyType: 'ed25519', keyBits: 256 });
    expect('curve' in ed25519).toBe(false);
    const ed448 = describe1(await issue(generateKeyPairSync('ed448').publicKey));
    expect(ed448).toMatchObject({ keyType: 'ed448', keyBits: 456 });
    expect('curve' in ed448).toBe(false);
  });
});

describe('names', () => {
  it('the common name is the last (most specific) CN encoded, the subject one line in encoded order', async () => {
    const d = describe1(await issue(generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey, { subject: 'CN=outer.example.test, CN=inner.example.test, O=mxray tests' }));
    expect(d.subject).toBe('CN=outer.example.test, CN=inner.example.test, O=mxray tests');
    expect(d.commonName).toBe('inner.example.test');
    expect(d.issuer).toBe('CN=signer.example.test');
  });

  it('a subject without a CN has no common name at all (not an empty one)', async () => {
    const d = describe1(await issue(generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey, { subject: 'O=mxray tests, OU=CN=not-a-cn.example.test' }));
    expect('commonName' in d).toBe(false);
    expect(d.subjectAltNames).toEqual([]);
  });

  it('the serial number is upper-case hex', async () => {
    const d = describe1(await issue(generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey, { serial: '0abcde' }));
    expect(d.serialNumber).toBe('0ABCDE');
  });

  it('subject equal to issuer is not self-issued when another key signed it', async () => {
    const cert = await issue(generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey, { subject: 'CN=same.example.test', issuer: 'CN=same.example.test' });
    expect(cert.subject).toBe(cert.issuer);
    expect(describe1(cert).selfIssued).toBe(false);
  });

  it('validity and days left come from the certificate and the given time', async () => {
    const d = describe1(await issue(generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey));
    expect(d.notBefore).toBe('2026-01-01T00:00:00.000Z');
    expect(d.notAfter).toBe('2027-01-01T00:00:00.000Z');
    expect(d.daysLeft).toBe(214);
  });
});

describe('parseOpenSslTime', () => {
  it('reads each month name to its month', () => {
    const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
    months.forEach((m, i) => expect(parseOpenSslTime(`${m} 15 12:00:00 2026 GMT`).getUTCMonth()).toBe(i));
  });

  it('reads the two-digit day and every time field', () => {
    expect(parseOpenSslTime('Nov 28 01:02:03 2030 GMT').toISOString()).toBe('2030-11-28T01:02:03.000Z');
  });

  it('tolerates white space around the text, nothing else', () => {
    expect(parseOpenSslTime('  Feb  7 16:49:17 2027 GMT\n').toISOString()).toBe('2027-02-07T16:49:17.000Z');
    expect(() => parseOpenSslTime('xFeb  7 16:49:17 2027 GMT')).toThrow('unexpected certificate time: xFeb  7 16:49:17 2027 GMT');
    expect(() => parseOpenSslTime('Feb  7 16:49:17 2027 GMTx')).toThrow('unexpected certificate time');
    expect(() => parseOpenSslTime('Feb 7 16:49:17 2027 UTC')).toThrow('unexpected certificate time');
  });

  it('refuses a month name it does not know', () => {
    expect(() => parseOpenSslTime('Foo  7 16:49:17 2027 GMT')).toThrow('unexpected certificate time: Foo  7 16:49:17 2027 GMT');
  });
});

describe('splitSubjectAltName edges', () => {
  it('has nothing for an empty text, and no empty entry after a trailing separator', () => {
    expect(splitSubjectAltName('')).toEqual([]);
    expect(splitSubjectAltName('DNS:a.test, ')).toEqual(['DNS:a.test']);
  });

  it('a comma without the space after it does not end an entry', () => {
    expect(splitSubjectAltName('DNS:a.test,DNS:b.test')).toEqual(['DNS:a.test,DNS:b.test']);
  });

  it('a backslash escapes only inside quotes', () => {
    expect(splitSubjectAltName('DNS:a\\, DNS:b.test')).toEqual(['DNS:a\\', 'DNS:b.test']);
    expect(splitSubjectAltName('DNS:"a\\\\", DNS:b.test')).toEqual(['DNS:a\\', 'DNS:b.test']);
  });

  it('keeps Node’s text when the quoted value is not valid JSON, or there is no type prefix', () => {
    expect(splitSubjectAltName('DNS:"a.test')).toEqual(['DNS:"a.test']);
    expect(splitSubjectAltName('DNS:"a\\')).toEqual(['DNS:"a\\']);
    expect(splitSubjectAltName('"a.test"')).toEqual(['"a.test"']);
    expect(splitSubjectAltName('DNS:a"b"')).toEqual(['DNS:a"b"']);
    // only a value that starts with a quote is JSON: names that merely read as JSON stay as written
    expect(splitSubjectAltName('DNS: "x.test"')).toEqual(['DNS: "x.test"']);
    expect(splitSubjectAltName('DNS:1e3, DNS: 7')).toEqual(['DNS:1e3', 'DNS: 7']);
    // an empty type before the colon is still a type: the quoted value is read
    expect(splitSubjectAltName(':"x.test"')).toEqual([':x.test']);
  });
});
