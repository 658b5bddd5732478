import '@/tests/fixtures/reflect-metadata-shim';
import { X509Certificate, webcrypto } from 'node:crypto';
import { rootCertificates } from 'node:tls';
import * as peculiar from '@peculiar/x509';
import { beforeAll, describe, expect, it } from 'vitest';
import { CertificateSchema } from '@/lib/probe/schema';
import {
  describeCertificate,
  parseOpenSslTime,
  splitSubjectAltName,
} from '@/lib/probe/tls/describe-certificate';
import { signatureAlgorithmName, signatureAlgorithmOid } from '@/lib/probe/tls/der';
import { createTestPki, type TestPki } from '@/tests/fixtures/pki';

const DAY = 86_400_000;
interface PeculiarAsn {
  asn: { signatureAlgorithm: { algorithm: string } };
}
let pki: TestPki;
// Taken once the PKI exists: on a loaded machine creating it can take seconds, and a clock read
// before it would see the leaves' validity shifted (the day counts below are exact).
let now: Date;
const noAnchors = new Set<string>();

beforeAll(async () => {
  pki = await createTestPki({ hosts: ['mx.example.test', 'mail.example.test', '127.30.0.1'] });
  now = new Date();
});

const x509 = (pem: string) => new X509Certificate(pem);
const describeAt = (pem: string, at: Date = now, anchors: ReadonlySet<string> = noAnchors) =>
  CertificateSchema.parse(describeCertificate(x509(pem), { now: at, anchorFingerprints: anchors }));

describe('describeCertificate', () => {
  it('describes an ECDSA P-256 leaf issued by the intermediate', () => {
    const cert = describeAt(pki.valid.certPem);
    const node = x509(pki.valid.certPem);
    expect(cert).toMatchObject({
      subject: 'CN=mx.example.test, O=mxray tests',
      commonName: 'mx.example.test',
      subjectAltNames: ['DNS:mx.example.test', 'DNS:mail.example.test', 'IP Address:127.30.0.1'],
      issuer: 'CN=mxray Test Intermediate CA, O=mxray tests',
      keyType: 'ec',
      keyBits: 256,
      curve: 'P-256',
      signatureAlgorithm: 'ecdsa-with-SHA256',
      selfIssued: false,
      isCA: false,
      inTrustStore: false,
      sha256: node.fingerprint256,
      serialNumber: node.serialNumber.toUpperCase(),
    });
    expect(cert.serialNumber).toMatch(/^[0-9A-F]+$/);
    expect(cert.sha256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(cert.pem).toContain('-----BEGIN CERTIFICATE-----');
    expect(x509(cert.pem).fingerprint256).toBe(node.fingerprint256);
    // the fixture issues leaves valid for 90 days from an hour ago
    expect(cert.daysLeft).toBe(89);
    expect(Date.parse(cert.notAfter) - Date.parse(cert.notBefore)).toBe(90 * DAY + 3_600_000);
  });

  it('describes RSA 2048 and RSA 1024 keys by modulus length, without a curve', () => {
    expect(describeAt(pki.validRsa.certPem)).toMatchObject({ keyType: 'rsa', keyBits: 2048 });
    const weak = describeAt(pki.weakRsa.certPem);
    expect(weak).toMatchObject({ keyType: 'rsa', keyBits: 1024 });
    expect(weak.curve).toBeUndefined();
  });

  it('counts days left from the given time, negative once expired', () => {
    const expired = describeAt(pki.expired.certPem);
    // notAfter lies 10 days and a few milliseconds back: floor((notAfter - now) / day) = -11
    expect(expired.daysLeft).toBe(-11);
    const notAfter = Date.parse(describeAt(pki.valid.certPem).notAfter);
    expect(describeAt(pki.valid.certPem, new Date(notAfter - DAY)).daysLeft).toBe(1);
    expect(describeAt(pki.valid.certPem, new Date(notAfter - DAY + 1)).daysLeft).toBe(0);
    expect(describeAt(pki.valid.certPem, new Date(notAfter + 1)).daysLeft).toBe(-1);
  });

  it('recognises a self-issued root, a CA intermediate and a self-signed leaf', () => {
    expect(describeAt(pki.caPem)).toMatchObject({ selfIssued: true, isCA: true });
    expect(describeAt(pki.intermediate.certPem)).toMatchObject({ selfIssued: false, isCA: true });
    expect(describeAt(pki.selfSigned.certPem)).toMatchObject({ selfIssued: true, isCA: false });
  });

  it('does not call a certificate self-issued when only the key signed it but the names differ', async () => {
    const keys = (await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
      'sign',
      'verify',
    ])) as CryptoKeyPair;
    const forged = await peculiar.X509CertificateGenerator.create({
      subject: 'CN=mx.example.test',
      issuer: 'CN=Some Other CA',
      publicKey: keys.publicKey,
      signingKey: keys.privateKey,
      signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' } as EcdsaParams,
    });
    const cert = x509(forged.toString('pem'));
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(describeAt(forged.toString('pem')).selfIssued).toBe(false);
  });

  it('marks only certificates whose fingerprint is an anchor as in the trust store', () => {
    const anchors = new Set([x509(pki.caPem).fingerprint256]);
    expect(describeAt(pki.caPem, now, anchors).inTrustStore).toBe(true);
    expect(describeAt(pki.intermediate.certPem, now, anchors).inTrustStore).toBe(false);
  });

  it('describes every certificate of Node’s root store within the schema', () => {
    for (const pem of rootCertificates) {
      const cert = describeAt(pem);
      expect(cert.selfIssued, cert.subject).toBe(true);
      expect(cert.isCA, cert.subject).toBe(true);
      expect(['rsa', 'ec']).toContain(cert.keyType);
      expect(cert.signatureAlgorithm).toMatch(/^(sha(1|256|384|512)WithRSAEncryption|ecdsa-with-SHA(256|384))$/);
    }
  });
});

describe('hostile subjectAltName values', () => {
  it('keeps a DNS name that contains ", DNS:" as one entry, exactly as encoded', async () => {
    const leaf = await pki.issue({ hosts: ['evil.test, DNS:mx.example.test', 'q"x.test', 'ok.test'] });
    expect(describeAt(leaf.certPem).subjectAltNames).toEqual([
      'DNS:evil.test, DNS:mx.example.test',
      'DNS:q"x.test',
      'DNS:ok.test',
    ]);
    // and the name it tried to smuggle in is not matched either
    expect(x509(leaf.certPem).checkHost('mx.example.test')).toBeUndefined();
  });
});

describe('wildcard certificates (RFC 6125 §6.4.3)', () => {
  it('match exactly one left-most label', () => {
    const cert = x509(pki.wildcard.certPem);
    expect(describeAt(pki.wildcard.certPem).subjectAltNames).toEqual(['DNS:*.example.test']);
    expect(cert.checkHost('mx.example.test')).toBe('*.example.test');
    expect(cert.checkHost('MX.Example.Test')).toBeDefined();
    expect(cert.checkHost('example.test')).toBeUndefined();
    expect(cert.checkHost('a.b.example.test')).toBeUndefined();
    expect(cert.checkHost('mx.example.org')).toBeUndefined();
  });
});

describe('signature algorithm from DER', () => {
  it('reads the same OID as @peculiar/x509 for every root and every fixture certificate', () => {
    const pems = [...rootCertificates, pki.caPem, pki.valid.certPem, pki.validRsa.certPem, pki.weakRsa.certPem];
    for (const pem of pems) {
      // `asn` is protected in the typings but is the parsed Certificate structure.
      const parsed = new peculiar.X509Certificate(pem) as unknown as PeculiarAsn;
      const expected = parsed.asn.signatureAlgorithm.algorithm;
      expect(signatureAlgorithmOid(x509(pem).raw)).toBe(expected);
    }
  });

  it('names common algorithms as OpenSSL prints them and falls back to the OID', () => {
    const rsaRoot = rootCertificates.find((pem) => signatureAlgorithmOid(x509(pem).raw) === '1.2.840.113549.1.1.11');
    expect(rsaRoot && signatureAlgorithmName(x509(rsaRoot).raw)).toBe('sha256WithRSAEncryption');
    const ecRoot = rootCertificates.find((pem) => signatureAlgorithmOid(x509(pem).raw) === '1.2.840.10045.4.3.3');
    expect(ecRoot && signatureAlgorithmName(x509(ecRoot).raw)).toBe('ecdsa-with-SHA384');
    // Same certificate with the outer AlgorithmIdentifier's OID bytes swapped for 1.2.3.4.
    const der = Buffer.from(x509(pki.valid.certPem).raw);
    const ecdsaSha256 = Buffer.from('06082a8648ce3d040302', 'hex');
    const at = der.lastIndexOf(ecdsaSha256);
    const patched = Buffer.concat([der.subarray(0, at), Buffer.from('06082a03040000000000', 'hex'), der.subarray(at + 10)]);
    expect(signatureAlgorithmName(patched)).toBe('1.2.3.4.0.0.0.0.0');
    expect(signatureAlgorithmName(Buffer.from([0x30, 0x82]))).toBe('unknown');
  });
});

describe('helpers', () => {
  it('parses OpenSSL validity text, with a space-padded day', () => {
    expect(parseOpenSslTime('Feb  7 16:49:17 2027 GMT').toISOString()).toBe('2027-02-07T16:49:17.000Z');
    expect(parseOpenSslTime('Dec 31 23:59:59 9999 GMT').toISOString()).toBe('9999-12-31T23:59:59.000Z');
    expect(() => parseOpenSslTime('2027-02-07')).toThrow();
  });

  it('splits subjectAltName without breaking JSON-quoted values', () => {
    expect(splitSubjectAltName(undefined)).toEqual([]);
    expect(splitSubjectAltName('DNS:a.test, IP Address:192.0.2.1, IP Address:2001:DB8:0:0:0:0:0:1')).toEqual([
      'DNS:a.test',
      'IP Address:192.0.2.1',
      'IP Address:2001:DB8:0:0:0:0:0:1',
    ]);
    expect(splitSubjectAltName('DNS:"a, DNS:b.test", DNS:c.test')).toEqual(['DNS:a, DNS:b.test', 'DNS:c.test']);
    expect(splitSubjectAltName('DNS:"q\\"x, y", DNS:z')).toEqual(['DNS:q"x, y', 'DNS:z']);
  });
});
