import { describe, expect, it } from 'vitest';
import type { PortProbe } from '@/lib/probe/schema';
import { groupCertificates, validityElapsed } from '@/lib/verdict/cert-groups';
import { MX1_LEAF, MX2_LEAF, SAMPLE_RESULT } from '@/tests/fixtures/sample-result';

describe('groupCertificates', () => {
  it('shows each leaf once with every endpoint that presented it', () => {
    const groups = groupCertificates(SAMPLE_RESULT.probes);
    expect(groups.map((g) => g.sha256)).toEqual([MX1_LEAF.sha256, MX2_LEAF.sha256]);
    const [mx1, mx2] = groups;
    expect(mx1).toMatchObject({ hosts: ['mx1.example.test'], ports: [25, 465, 587], trusted: true });
    expect(mx1!.endpoints).toHaveLength(6);
    expect(mx2).toMatchObject({ ports: [25, 587], trusted: false, trustReason: 'expired', verifyError: 'CERT_HAS_EXPIRED' });
    expect(mx2!.endpoints).toHaveLength(3);
  });

  it('groups hosts that share a certificate and keeps a hostname mismatch per host', () => {
    const probes: PortProbe[] = SAMPLE_RESULT.probes
      .filter((p) => p.tls && p.host === 'mx1.example.test')
      .map((p, i) => (i === 0 ? { ...p, host: 'mx3.example.test', tls: { ...p.tls!, hostnameMatch: false } } : p));
    const [g] = groupCertificates(probes);
    expect(g!.hosts).toEqual(['mx3.example.test', 'mx1.example.test']);
    expect(g!.hostnameMatch).toEqual({ 'mx3.example.test': false, 'mx1.example.test': true });
  });

  it('reports the failing side when endpoints disagree on trust', () => {
    const [a, b] = SAMPLE_RESULT.probes.filter((p) => p.tls && p.host === 'mx1.example.test');
    const broken: PortProbe = { ...b!, tls: { ...b!.tls!, trusted: false, trustReason: 'incomplete-chain', chain: [MX1_LEAF] } };
    const [g] = groupCertificates([a!, broken]);
    expect(g).toMatchObject({ trusted: false, mixedTrust: true, trustReason: 'incomplete-chain' });
    expect(g!.chain).toHaveLength(1);
  });
});

describe('validityElapsed', () => {
  it('is the share of the validity period used, clamped', () => {
    const cert = { notBefore: '2026-01-01T00:00:00Z', notAfter: '2026-01-11T00:00:00Z' };
    expect(validityElapsed(cert, '2026-01-06T00:00:00Z')).toBeCloseTo(0.5);
    expect(validityElapsed(cert, '2025-01-01T00:00:00Z')).toBe(0);
    expect(validityElapsed(cert, '2027-01-01T00:00:00Z')).toBe(1);
  });
});
