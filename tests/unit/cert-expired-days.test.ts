/**
 * "Expired N days ago" counts whole days since notAfter. Found against a real Postfix serving a
 * certificate that expired 10 days earlier: the report said 11 (tests/interop/postfix.test.ts).
 */
import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { evaluateFindings } from '@/lib/probe/findings/evaluate';
import type { DnsResult, PortProbe } from '@/lib/probe/schema';
import { describeCertificate } from '@/lib/probe/tls/describe-certificate';
import { createTestPki } from '@/tests/fixtures/pki';

const DAY = 86_400_000;
const dns: DnsResult = { mx: { status: 'ok', ms: 1, records: [] }, mxKind: 'explicit', hosts: [], servers: [] };

async function daysReported(notAfterAgoMs: number): Promise<unknown> {
  const pki = await createTestPki({ hosts: ['mx.days.test'] });
  const now = Date.now();
  const leafPem = (await pki.issue({ hosts: ['mx.days.test'], notBefore: new Date(now - 400 * DAY), notAfter: new Date(now - notAfterAgoMs) })).certPem;
  const leaf = describeCertificate(new X509Certificate(leafPem), { now: new Date(now), anchorFingerprints: new Set() });
  const probe: PortProbe = {
    host: 'mx.days.test', address: '192.0.2.1', family: 4, port: 25, outcome: 'success', phase: 'done',
    timings: { totalMs: 1 }, encryption: 'starttls', transcript: [], transcriptTruncated: false,
    tls: { mode: 'starttls', chain: [leaf], trusted: false, trustReason: 'expired', verifyError: 'CERT_HAS_EXPIRED', hostnameMatch: true, servername: 'mx.days.test' },
  };
  const findings = evaluateFindings({ mode: 'domain', domain: 'days.test', dns, probes: [probe] });
  return findings.find((f) => f.code === 'cert.expired')?.params?.days;
}

describe('cert.expired days', () => {
  it('counts whole days since notAfter', async () => {
    expect(await daysReported(10 * DAY + 3_600_000)).toBe(10);
    expect(await daysReported(10 * DAY - 3_600_000)).toBe(9);
  });

  it('says 0 for a certificate that expired within the last day', async () => {
    expect(await daysReported(3_600_000)).toBe(0);
  });
});
