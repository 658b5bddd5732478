/**
 * describeTls describes each certificate once per fingerprint and reuses it: the reuse must be
 * indistinguishable from describing afresh, whatever the check's time and trust anchors.
 */
import { X509Certificate } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeCertificate } from '@/lib/probe/tls/describe-certificate';
import { describeCertificateCached } from '@/lib/probe/tls/describe-tls';
import { createTestPki, type TestPki } from '@/tests/fixtures/pki';

let pki: TestPki;
beforeAll(async () => {
  pki = await createTestPki({ hosts: ['mx.example.test'] });
});

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

  it('many different certificates in turn are each described as if afresh', async () => {
    const leaves = await Promise.all(Array.from({ length: 30 }, (_, i) => pki.issue({ hosts: [`h${i}.example.test`] })));
    const now = new Date();
    // Every round is checked: the first describes, the others must hit and still be equal.
    for (let round = 0; round < 8; round++) {
      for (const leaf of leaves) {
        const cert = new X509Certificate(leaf.certPem);
        expect(describeCertificateCached(cert, now, new Set())).toEqual(describeCertificate(cert, { now, anchorFingerprints: new Set() }));
      }
    }
  });
});
