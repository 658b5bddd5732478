/**
 * A probe that ends badly after its TLS handshake keeps what the handshake showed: an expired or
 * untrusted certificate is reported even when the server then greets 554 inside implicit TLS,
 * answers 421 to the EHLO after STARTTLS, or speaks something other than SMTP inside TLS.
 */
import { describe, expect, it } from 'vitest';
import { evaluateProbe } from '@/lib/probe/findings/evaluate';
import type { PortProbe, TlsInfo } from '@/lib/probe/schema';

const tls = (over: Partial<TlsInfo>): TlsInfo => ({
  mode: 'implicit',
  version: 'TLSv1.3',
  chain: [
    {
      subject: 'CN=mx.example.test',
      subjectAltNames: ['DNS:mx.example.test'],
      issuer: 'CN=Test CA',
      serialNumber: '01',
      notBefore: '2020-01-01T00:00:00.000Z',
      notAfter: '2021-01-01T00:00:00.000Z',
      daysLeft: -400,
      keyType: 'ec',
      signatureAlgorithm: 'ecdsa-with-SHA256',
      sha256: 'AA:BB',
      selfIssued: false,
      isCA: false,
      inTrustStore: false,
      pem: '',
    },
  ],
  trusted: false,
  trustReason: 'expired',
  verifyError: 'CERT_HAS_EXPIRED',
  hostnameMatch: true,
  servername: 'mx.example.test',
  ...over,
});

const probe = (over: Partial<PortProbe>): PortProbe => ({
  host: 'mx.example.test',
  address: '192.0.2.10',
  family: 4,
  port: 465,
  outcome: 'success',
  phase: 'done',
  timings: { totalMs: 10 },
  encryption: 'implicit-tls',
  transcript: [],
  transcriptTruncated: false,
  ...over,
});

const codes = (p: PortProbe) => evaluateProbe(p, 'domain').map((f) => f.code);

describe('findings: TLS facts survive a later failure', () => {
  it('465: certificate expired, then a 554 greeting inside TLS', () => {
    const p = probe({ outcome: 'greeting-rejected', phase: 'greeting', tls: tls({}), greeting: { code: 554, lines: ['no service'] } });
    expect(codes(p)).toEqual(expect.arrayContaining(['port.greeting-rejected', 'cert.expired']));
  });

  it('465: certificate expired, then a 421 greeting inside TLS', () => {
    const p = probe({ outcome: 'server-busy', phase: 'greeting', tls: tls({}), greeting: { code: 421, lines: ['busy'] } });
    expect(codes(p)).toEqual(expect.arrayContaining(['port.busy', 'cert.expired']));
  });

  it('587: untrusted certificate after STARTTLS, then 421 to the EHLO inside TLS', () => {
    const p = probe({
      port: 587,
      outcome: 'server-busy',
      phase: 'ehlo-tls',
      smtpCode: 421,
      errorMessage: 'busy',
      encryption: 'starttls',
      tls: tls({ mode: 'starttls', trustReason: 'self-signed', verifyError: 'DEPTH_ZERO_SELF_SIGNED_CERT', chain: [{ ...tls({}).chain[0]!, daysLeft: 100, notAfter: '2030-01-01T00:00:00.000Z' }] }),
    });
    expect(evaluateProbe(p, 'domain').map((f) => `${f.code}:${f.severity}`)).toEqual(expect.arrayContaining(['port.busy:info', 'cert.untrusted:critical']));
  });

  it('465: not SMTP inside TLS still reports the certificate', () => {
    const p = probe({ outcome: 'not-smtp', phase: 'greeting', foreignProtocol: 'HTTP', tls: tls({}) });
    expect(codes(p)).toEqual(expect.arrayContaining(['port.not-smtp', 'cert.expired']));
  });
});
