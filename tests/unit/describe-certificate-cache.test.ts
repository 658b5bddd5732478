/**
 * describeTls describes each certificate once per fingerprint and reuses it: the reuse must be
 * indistinguishable from describing afresh, whatever the check's time and trust anchors.
 */
import { X509Certificate } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeCertificate } from '@/lib/probe/tls/describe-certificate';
import { describeCertificateCached } from '@/lib/probe/tls/describe-tls';
import { createTestPki, type PkiLeaf, type TestPki } from '@/tests/fixtures/pki';

let pki: TestPki;
let leaves: PkiLeaf[];
// Key generation is the slow part (an RSA 2048 and an RSA 1024 key in the PKI, then a P-256 key
// per leaf): done once, in a hook with its own bound, so a loaded machine does not push the tests
// themselves past the 5 s test timeout. The bound only catches a hang.
beforeAll(async () => {
  pki = await createTestPki({ hosts: ['mx.example.test'] });
  leaves = await Promise.all(Array.from({ length: 30 }, (_, i) => pki.issue({ hosts: [`h${i}.example.test`] })));
}, 60_000);

const DAY = 86_400_000;

describe('describeCertificateCached', () => {
  it('equals describeCertificate for every time and anchor set, first call or not', () => {
    for (const pem of [pki.valid.certPem, pki.intermediate.certPem, pki.caPem, pki.expired.certPem, pki.selfSigned.certPem]) {
      const cert = new X509Certificate(pem);
      for (const now of [new Date(), new Date(Date.now() + 400 * DAY), new Date(Date.now() - 3 * DAY)]) {
        for (const anchors of [new Set<string>(), new Set([cert.fingerprint256])]) {
          const fresh = describeCertificate(cert, { now, anchorFingerprints: anchors });
          expect(describeCertificateCached(cert, now, anchors)).toEqual(fresh);
          // a second object for the same certificate (as every new handshake gives) hits the cache
          expect(JSON.stringify(describeCertificateCached(new X509Certificate(pem), now, anchors))).toBe(JSON.stringify(fresh));
        }
      }
    }
  });

  it('many different certificates in turn are each described as if afresh', () => {
    const now = new Date();
    // Each leaf's fresh description is computed once: describing is deterministic for one
    // certificate, time and anchor set, so the expectation does not change between rounds.
    const expected = leaves.map((leaf) => describeCertificate(new X509Certificate(leaf.certPem), { now, anchorFingerprints: new Set() }));
    // Every round is checked: the first describes, the others must hit and still be equal.
    for (let round = 0; round < 8; round++) {
      leaves.forEach((leaf, i) => {
        const cert = new X509Certificate(leaf.certPem);
        expect(describeCertificateCached(cert, now, new Set())).toEqual(expected[i]);
      });
    }
  });
});
