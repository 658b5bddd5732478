import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTlsContext, splitPemCertificates } from '@/lib/probe/tls/tls-context';
import { createTestPki, type TestPki } from '@/tests/fixtures/pki';

let pki: TestPki;
let dir: string;
const fingerprint = (pem: string) => new X509Certificate(pem).fingerprint256;

beforeAll(async () => {
  pki = await createTestPki();
  dir = mkdtempSync(join(tmpdir(), 'mxray-tls-context-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function withEnv<T>(value: string | undefined, fn: () => T): T {
  const saved = process.env.NODE_EXTRA_CA_CERTS;
  if (value === undefined) delete process.env.NODE_EXTRA_CA_CERTS;
  else process.env.NODE_EXTRA_CA_CERTS = value;
  try {
    return fn();
  } finally {
    if (saved === undefined) delete process.env.NODE_EXTRA_CA_CERTS;
    else process.env.NODE_EXTRA_CA_CERTS = saved;
  }
}

describe('createTlsContext', () => {
  it('counts every root of Node’s store as an anchor, and nothing else by default', () => {
    const ctx = withEnv(undefined, () => createTlsContext());
    const roots = new Set(rootCertificates.map(fingerprint));
    expect(ctx.anchorFingerprints).toEqual(roots);
    expect(ctx.anchorFingerprints.has(fingerprint(pki.caPem))).toBe(false);
  });

  it('adds the anchors given as PEM text', () => {
    const ctx = createTlsContext({ extraCaFile: '', extraCaPem: pki.caPem + pki.intermediate.certPem });
    expect(ctx.anchorFingerprints.has(fingerprint(pki.caPem))).toBe(true);
    expect(ctx.anchorFingerprints.has(fingerprint(pki.intermediate.certPem))).toBe(true);
    expect(ctx.anchorFingerprints.size).toBe(new Set(rootCertificates.map(fingerprint)).size + 2);
  });

  it('reads NODE_EXTRA_CA_CERTS when no extraCaFile is given, and ignores it for extraCaFile ""', () => {
    const file = join(dir, 'env-ca.pem');
    writeFileSync(file, pki.caPem);
    const fromEnv = withEnv(file, () => createTlsContext());
    expect(fromEnv.anchorFingerprints.has(fingerprint(pki.caPem))).toBe(true);
    const ignored = withEnv(file, () => createTlsContext({ extraCaFile: '' }));
    expect(ignored.anchorFingerprints.has(fingerprint(pki.caPem))).toBe(false);
  });

  it('prefers an explicit extraCaFile over the environment', () => {
    const envFile = join(dir, 'env-only.pem');
    const optFile = join(dir, 'opt.pem');
    writeFileSync(envFile, pki.intermediate.certPem);
    writeFileSync(optFile, pki.caPem);
    const ctx = withEnv(envFile, () => createTlsContext({ extraCaFile: optFile }));
    expect(ctx.anchorFingerprints.has(fingerprint(pki.caPem))).toBe(true);
    expect(ctx.anchorFingerprints.has(fingerprint(pki.intermediate.certPem))).toBe(false);
  });

  it('stops with a message naming the file when the CA file is missing or broken', () => {
    const missing = join(dir, 'does-not-exist.pem');
    expect(() => createTlsContext({ extraCaFile: missing })).toThrow(missing);
    const broken = join(dir, 'broken.pem');
    writeFileSync(broken, pki.caPem + '-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n');
    expect(() => createTlsContext({ extraCaFile: broken })).toThrow(/certificate #2 in .*broken\.pem/);
  });
});

describe('splitPemCertificates', () => {
  it('keeps certificates and skips keys and text around them', () => {
    const text = `comment\n${pki.valid.keyPem}${pki.valid.certPem}junk\n${pki.caPem}`;
    const certs = splitPemCertificates(text);
    expect(certs.map(fingerprint)).toEqual([fingerprint(pki.valid.certPem), fingerprint(pki.caPem)]);
    expect(splitPemCertificates('')).toEqual([]);
  });
});
