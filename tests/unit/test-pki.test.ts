import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PKI_CASES, createTestPki, writePkiFiles, type TestPki } from '@/tests/fixtures/pki';

let pki: TestPki;
const cert = (pem: string) => new X509Certificate(pem);
const chainOf = (pem: string) => (pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map(cert);

beforeAll(async () => {
  pki = await createTestPki();
});

describe('the test PKI', () => {
  it('is built once per process and host list', async () => {
    expect(await createTestPki()).toBe(pki);
    expect(await createTestPki({ hosts: ['mx.example.test'] })).toBe(pki);
    expect(pki.hosts).toEqual(['mx.example.test']);
  });

  it('has a self-signed root "mxray Test Root CA" that issued the intermediate', () => {
    const root = cert(pki.caPem);
    const inter = cert(pki.intermediate.certPem);
    expect(root.subject).toContain('CN=mxray Test Root CA');
    expect(root.ca && root.verify(root.publicKey)).toBe(true);
    expect(inter.ca && inter.checkIssued(root) && inter.verify(root.publicKey)).toBe(true);
  });

  it('pairs every leaf with its private key', () => {
    for (const name of PKI_CASES) {
      const leaf = pki[name];
      expect(cert(leaf.certPem).checkPrivateKey(createPrivateKey(leaf.keyPem)), name).toBe(true);
      expect(chainOf(leaf.chainPem)[0]?.fingerprint256, name).toBe(cert(leaf.certPem).fingerprint256);
    }
  });

  it('issues each case as its name says', () => {
    const root = cert(pki.caPem);
    const inter = cert(pki.intermediate.certPem);
    const now = Date.now();
    const issuedByIntermediate = (pem: string) => cert(pem).checkIssued(inter) && cert(pem).verify(inter.publicKey);

    for (const name of ['valid', 'validRsa', 'expired', 'notYetValid', 'wrongHost', 'missingIntermediate', 'weakRsa', 'wildcard'] as const) {
      expect(issuedByIntermediate(pki[name].certPem), name).toBe(true);
    }
    expect(cert(pki.valid.certPem).checkHost('mx.example.test')).toBe('mx.example.test');
    expect(chainOf(pki.valid.chainPem).map((c) => c.fingerprint256)).toEqual([cert(pki.valid.certPem).fingerprint256, inter.fingerprint256]);
    expect(Date.parse(cert(pki.expired.certPem).validTo)).toBeLessThan(now);
    expect(Date.parse(cert(pki.notYetValid.certPem).validFrom)).toBeGreaterThan(now);
    expect(cert(pki.wrongHost.certPem).checkHost('mx.example.test')).toBeUndefined();
    const self = cert(pki.selfSigned.certPem);
    // (checkIssued would say no: OpenSSL also wants keyCertSign in the issuer's key usage, which a
    // server's self-signed leaf rarely has)
    expect(self.subject === self.issuer && self.verify(self.publicKey) && !self.ca).toBe(true);
    expect(chainOf(pki.missingIntermediate.chainPem)).toHaveLength(1);
    expect(cert(pki.missingIntermediate.certPem).infoAccess).toContain('CA Issuers - URI:http://pki.test/intermediate.crt');
    expect(cert(pki.weakRsa.certPem).publicKey.asymmetricKeyDetails?.modulusLength).toBe(1024);
    expect(cert(pki.validRsa.certPem).publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(cert(pki.valid.certPem).publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(cert(pki.wildcard.certPem).subjectAltName).toBe('DNS:*.example.test');

    const untrusted = chainOf(pki.untrustedCa.chainPem);
    expect(untrusted).toHaveLength(3);
    expect(untrusted.some((c) => c.fingerprint256 === root.fingerprint256)).toBe(false);
    const otherRoot = untrusted[2]!;
    expect(otherRoot.subject).toContain('mxray Untrusted Root CA');
    expect(untrusted[1]!.checkIssued(otherRoot) && untrusted[0]!.checkIssued(untrusted[1]!)).toBe(true);
  });

  it('turns IP literals into IP subjectAltNames', async () => {
    const ipPki = await createTestPki({ hosts: ['mx.example.test', '127.30.0.1', '::1'] });
    expect(cert(ipPki.valid.certPem).subjectAltName).toBe('DNS:mx.example.test, IP Address:127.30.0.1, IP Address:0:0:0:0:0:0:0:1');
  });

  it('writes PEM files, the keys readable by the owner only', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mxray-pki-'));
    try {
      const files = writePkiFiles(pki, join(dir, 'pki'));
      expect(readFileSync(files.ca, 'utf8')).toBe(pki.caPem);
      for (const name of PKI_CASES) {
        expect(readFileSync(files.leaves[name].chain, 'utf8')).toBe(pki[name].chainPem);
        expect(readFileSync(files.leaves[name].cert, 'utf8')).toBe(pki[name].certPem);
        expect(readFileSync(files.leaves[name].key, 'utf8')).toBe(pki[name].keyPem);
        expect(statSync(files.leaves[name].key).mode & 0o777).toBe(0o600);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
