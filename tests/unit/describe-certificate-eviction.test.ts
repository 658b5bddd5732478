/**
 * The certificate cache behind describeTls is bounded (DESCRIBED_MAX entries, oldest out first).
 * Filled past its bound with real certificates, it must evict, keep exactly the newest entries,
 * and describe an evicted certificate afresh, equal to describing it directly.
 *
 * A cache hit is told apart from a miss by whether the certificate object is read at all: a hit
 * needs only the fingerprint, a miss parses the whole certificate.
 */
import './../fixtures/reflect-metadata-shim';
import { X509Certificate, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeCertificate } from '@/lib/probe/tls/describe-certificate';
import { DESCRIBED_MAX, describeCertificateCached } from '@/lib/probe/tls/describe-tls';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const DAY = 86_400_000;
const now = new Date();
const NO_ANCHORS = new Set<string>();

/** DESCRIBED_MAX + 1 distinct certificates (one key, distinct serials: distinct fingerprints). */
let pems: string[];
beforeAll(async () => {
  const keys = (await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as CryptoKeyPair;
  pems = [];
  for (let i = 0; i <= DESCRIBED_MAX; i++) {
    const cert = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: (0x100000 + i).toString(16),
      name: `CN=evict-${i}.example.test`,
      notBefore: new Date(now.getTime() - DAY),
      notAfter: new Date(now.getTime() + 30 * DAY),
      keys,
      signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
    });
    pems.push(cert.toString('pem'));
  }
}, 120_000);

/** A certificate that counts the reads a miss makes (its validity is read to describe it). */
function counted(pem: string): { cert: X509Certificate; reads: () => number } {
  const real = new X509Certificate(pem);
  let reads = 0;
  const cert = new Proxy(real, {
    get(target, prop) {
      if (prop === 'validFrom') reads++;
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { cert, reads: () => reads };
}

/** Describes through the cache; true when it was a hit. Compared with a fresh description when asked. */
function lookUp(pem: string, compare = false): boolean {
  const { cert, reads } = counted(pem);
  const described = describeCertificateCached(cert, now, NO_ANCHORS);
  if (compare) expect(described).toEqual(describeCertificate(new X509Certificate(pem), { now, anchorFingerprints: NO_ANCHORS }));
  return reads() === 0;
}

describe('describeCertificateCached eviction', () => {
  it('keeps exactly the newest DESCRIBED_MAX certificates and describes an evicted one afresh', () => {
    expect(new Set(pems.map((p) => new X509Certificate(p).fingerprint256)).size).toBe(DESCRIBED_MAX + 1);
    // first sight: every certificate is a miss, and the first is still cached right after
    expect(lookUp(pems[0]!, true)).toBe(false);
    expect(lookUp(pems[0]!, true)).toBe(true);
    for (const pem of pems.slice(1)) expect(lookUp(pem)).toBe(false);
    // the newest DESCRIBED_MAX are all cached (newest first, so no hit evicts another)…
    for (const pem of pems.slice(1).reverse()) expect(lookUp(pem)).toBe(true);
    // …and the oldest was evicted to make room: described afresh, and equal to a fresh description
    expect(lookUp(pems[0]!, true)).toBe(false);
    // which evicted the then-oldest in turn
    expect(lookUp(pems[1]!)).toBe(false);
    expect(lookUp(pems[0]!, true)).toBe(true);
    expect(lookUp(pems[DESCRIBED_MAX]!, true)).toBe(true);
  }, 60_000);
});
