import { X509Certificate } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Certificate } from '@/lib/probe/schema';
import { describeCertificate } from '@/lib/probe/tls/describe-certificate';
import { trustReasonFor } from '@/lib/probe/tls/describe-tls';
import { createTestPki } from '@/tests/fixtures/pki';

let leaf: Certificate;
let intermediate: Certificate;
let root: Certificate;
let selfSigned: Certificate;

beforeAll(async () => {
  const pki = await createTestPki();
  const d = (pem: string) =>
    describeCertificate(new X509Certificate(pem), { now: new Date(), anchorFingerprints: new Set() });
  [leaf, intermediate, root, selfSigned] = [pki.valid, pki.intermediate, pki.root, pki.selfSigned].map((e) =>
    d(e.certPem),
  ) as [Certificate, Certificate, Certificate, Certificate];
});

describe('trustReasonFor', () => {
  it('maps OpenSSL errors with one meaning directly', () => {
    const chain = [leaf, intermediate];
    expect(trustReasonFor('CERT_HAS_EXPIRED', chain)).toBe('expired');
    expect(trustReasonFor('CERT_NOT_YET_VALID', chain)).toBe('not-yet-valid');
    expect(trustReasonFor('DEPTH_ZERO_SELF_SIGNED_CERT', [selfSigned])).toBe('self-signed');
    expect(trustReasonFor('SELF_SIGNED_CERT_IN_CHAIN', [leaf, intermediate, root])).toBe('unknown-issuer');
    expect(trustReasonFor('CERT_SIGNATURE_FAILURE', chain)).toBe('bad-signature');
    expect(trustReasonFor('UNABLE_TO_DECRYPT_CERT_SIGNATURE', chain)).toBe('bad-signature');
  });

  it('calls a missing issuer an incomplete chain when the sent chain stops below a root', () => {
    expect(trustReasonFor('UNABLE_TO_VERIFY_LEAF_SIGNATURE', [leaf])).toBe('incomplete-chain');
    expect(trustReasonFor('UNABLE_TO_GET_ISSUER_CERT_LOCALLY', [leaf, intermediate])).toBe('incomplete-chain');
    expect(trustReasonFor('UNABLE_TO_GET_ISSUER_CERT', [leaf, intermediate])).toBe('incomplete-chain');
  });

  it('calls a missing issuer an unknown issuer when the chain ends in a self-issued certificate', () => {
    expect(trustReasonFor('UNABLE_TO_GET_ISSUER_CERT_LOCALLY', [leaf, intermediate, root])).toBe('unknown-issuer');
    expect(trustReasonFor('UNABLE_TO_VERIFY_LEAF_SIGNATURE', [])).toBe('unknown-issuer');
  });

  it('keeps every other error as other', () => {
    for (const code of ['CERT_REVOKED', 'INVALID_CA', 'CERT_CHAIN_TOO_LONG', 'EE_KEY_TOO_SMALL', 'X']) {
      expect(trustReasonFor(code, [leaf, intermediate])).toBe('other');
    }
  });
});
