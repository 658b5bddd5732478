import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEnv } from '@/lib/env';
import { engineConfigFromEnv } from '@/lib/probe/create-engine';
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

  it('takes NODE_EXTRA_CA_CERTS from the validated environment, not from process.env', () => {
    const file = join(dir, 'env-ca.pem');
    writeFileSync(file, pki.caPem);
    const config = engineConfigFromEnv(loadEnv({ NODE_EXTRA_CA_CERTS: file }));
    expect(config.extraCaFile).toBe(file);
    expect(createTlsContext({ extraCaFile: config.extraCaFile }).anchorFingerprints.has(fingerprint(pki.caPem))).toBe(true);
    const ignored = withEnv(file, () => createTlsContext());
    expect(ignored.anchorFingerprints.has(fingerprint(pki.caPem))).toBe(false);
  });

  it('builds nothing expensive until a handshake or a chain needs it', () => {
    const ctx = createTlsContext({ extraCaPem: pki.caPem });
    const own = Object.getOwnPropertyDescriptors(ctx);
    for (const key of ['secureContext', 'anchorFingerprints', 'anchorsBySubject'] as const) expect(own[key]?.get).toBeTypeOf('function');
    const first = ctx.secureContext;
    expect(ctx.secureContext).toBe(first);
    expect(ctx.anchorsBySubject?.get(new X509Certificate(pki.caPem).subject)?.length).toBe(1);
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

  it('refuses a cut or padded certificate at start-up, without parsing every anchor', () => {
    const der = Buffer.from(pki.caPem.replace(/-----(BEGIN|END) CERTIFICATE-----|\s+/g, ''), 'base64');
    const pem = (bytes: Buffer) => `-----BEGIN CERTIFICATE-----\n${bytes.toString('base64')}\n-----END CERTIFICATE-----\n`;
    expect(() => createTlsContext({ extraCaPem: pem(der.subarray(0, der.length - 10)) })).toThrow(/certificate #1 in extraCaPem does not parse/);
    expect(() => createTlsContext({ extraCaPem: pem(Buffer.concat([der, Buffer.from([0, 0])])) })).toThrow(/trailing or missing bytes/);
    expect(() => createTlsContext({ extraCaPem: pem(der) })).not.toThrow();
    // every root Node ships passes the same check, as a system bundle in NODE_EXTRA_CA_CERTS would
    const bundle = join(dir, 'bundle.pem');
    writeFileSync(bundle, rootCertificates.join('\n'));
    expect(createTlsContext({ extraCaFile: bundle }).anchorFingerprints.size).toBe(rootCertificates.length);
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
