/**
 * The smaller readings of lib/verdict: why a probe stopped (stopCodeLabel and the reason line),
 * the TLS version text, the live status of a finished probe, the words for each layout, the
 * terminal escapes of server text, and how certificates are grouped when endpoints disagree.
 * Hand-made probes (tests/fixtures/probe-builders.ts), each stating the fact it is about.
 */
import { describe, expect, it } from 'vitest';
import type { PortProbe } from '@/lib/probe/schema';
import { groupCertificates, validityElapsed } from '@/lib/verdict/cert-groups';
import { encryptionLabel, outcomeLabel, readingLabel, verdictLabel } from '@/lib/verdict/labels';
import { findingsForProbe, probeReading, probeStatus } from '@/lib/verdict/probe-status';
import { describeProbe, downgradeOf, formatTlsVersion, liveProbeStatus, phaseShown, stopCodeLabel } from '@/lib/verdict/probe-view';
import { visibleText } from '@/lib/verdict/visible-text';
import { cert, probe, silentProbe, tls } from '../../fixtures/probe-builders';

describe('stopCodeLabel: one token for why a probe stopped', () => {
  it('prefers the SMTP code, then the foreign protocol, then the refusal, then the system error', () => {
    expect(stopCodeLabel({ smtpCode: 421, foreignProtocol: 'HTTP', systemError: 'ECONNRESET' })).toBe('SMTP_421');
    expect(stopCodeLabel({ foreignProtocol: 'HTTP', systemError: 'ECONNRESET' })).toBe('HTTP');
    expect(stopCodeLabel({ refusal: { reason: 'policy', range: 'loopback' }, systemError: 'X' } as PortProbe)).toBe('loopback');
    expect(stopCodeLabel({ refusal: { reason: 'policy' }, systemError: 'X' } as PortProbe)).toBe('policy');
    expect(stopCodeLabel({ systemError: 'ECONNREFUSED' })).toBe('ECONNREFUSED');
    expect(stopCodeLabel({})).toBeUndefined();
  });
});

describe('the reason line of a probe', () => {
  it('names the phase where the headline does not imply it, then the code', () => {
    const stalled = silentProbe('io-timeout', { phase: 'ehlo-tls', systemError: 'ETIMEDOUT' });
    expect(describeProbe(stalled, []).reason).toBe('during EHLO after TLS · ETIMEDOUT');
    const busy = silentProbe('server-busy', { phase: 'greeting', smtpCode: 421 });
    expect(describeProbe(busy, []).reason).toBe('during greeting · SMTP_421');
    const noCode = silentProbe('protocol-error', { phase: 'starttls' });
    expect(describeProbe(noCode, []).reason).toBe('during STARTTLS');
  });

  it('leaves the phase out for policy and connect failures, and says nothing when there is nothing to say', () => {
    expect(describeProbe(silentProbe('connection-refused', { phase: 'connect', systemError: 'ECONNREFUSED' }), []).reason).toBe('ECONNREFUSED');
    expect(describeProbe(silentProbe('connection-timeout', { phase: 'connect' }), []).reason).toBeUndefined();
    expect(describeProbe(probe(), []).reason).toBeUndefined();
    expect(describeProbe(probe({ outcome: 'success', systemError: 'EPIPE', phase: 'quit' }), []).reason).toBeUndefined();
  });

  it('phaseShown: every phase but done, policy and connect', () => {
    const shown = (phase: PortProbe['phase']) => phaseShown(probe({ phase }));
    expect(['done', 'policy', 'connect'].map((p) => shown(p as PortProbe['phase']))).toEqual([false, false, false]);
    expect(['greeting', 'ehlo', 'starttls', 'tls', 'ehlo-tls', 'quit'].map((p) => shown(p as PortProbe['phase']))).toEqual([true, true, true, true, true, true]);
  });
});

describe('readings', () => {
  it('TLS versions as people write them; anything else as it came', () => {
    expect(formatTlsVersion('TLSv1.2')).toBe('TLS 1.2');
    expect(formatTlsVersion('TLSv1')).toBe('TLS 1');
    expect(formatTlsVersion(undefined)).toBeUndefined();
    expect(formatTlsVersion('')).toBeUndefined();
    expect(formatTlsVersion('xTLSv1.2')).toBe('xTLSv1.2');
    expect(formatTlsVersion('TLSv1.2x')).toBe('TLSv1.2x');
    expect(formatTlsVersion('TLSv12')).toBe('TLSv12');
  });

  it('downgrade: implicit TLS none, STARTTLS possible, no encryption plaintext, else unknown', () => {
    expect(downgradeOf('implicit-tls')).toBe('none');
    expect(downgradeOf('starttls')).toBe('possible');
    expect(downgradeOf('none')).toBe('plaintext');
    expect(downgradeOf('unknown')).toBe('unknown');
  });

  it('a finished probe reads "done" while the check runs only when it succeeded', () => {
    expect(liveProbeStatus(probe())).toBe('done');
    expect(liveProbeStatus(silentProbe('connection-refused'))).toBe('closed');
    expect(liveProbeStatus(silentProbe('connection-timeout'))).toBe('untested');
  });

  it('words per layout: a cell names the protection, narrow and terminal cells their own words', () => {
    expect(readingLabel('starttls', 'cell')).toBe('STARTTLS');
    expect(readingLabel('implicit-tls', 'cell')).toBe('Implicit TLS');
    expect(readingLabel('plaintext', 'cell')).toBe('No encryption');
    expect(readingLabel('connection-refused', 'cell')).toBe('Refused');
    expect(readingLabel('no-route', 'cell')).toBe('No route from here');
    expect(readingLabel('implicit-tls', 'short')).toBe('TLS');
    expect(readingLabel('plaintext', 'short')).toBe('No TLS');
    expect(readingLabel('plaintext', 'terse')).toBe('plain');
    expect(readingLabel('connection-refused', 'terse')).toBe('refused');
  });

  it('what a probe showed: the protection, plain text only for a complete session, our own missing route apart', () => {
    expect(probeReading(probe())).toBe('starttls');
    expect(probeReading(probe({ port: 465 }))).toBe('implicit-tls');
    expect(probeReading(probe({ encryption: 'none', tls: undefined }))).toBe('plaintext');
    expect(probeReading(probe({ encryption: 'none', tls: undefined, outcome: 'io-timeout' }))).toBe('io-timeout');
    expect(probeReading(silentProbe('unreachable', { systemError: 'ENETUNREACH' }))).toBe('no-route');
    expect(probeReading(silentProbe('unreachable', { systemError: 'EHOSTUNREACH' }))).toBe('unreachable');
    expect(probeReading(silentProbe('connection-refused'))).toBe('connection-refused');
  });

  it('a probe view carries every layout’s word and the downgrade text', () => {
    const v = describeProbe(probe({ encryption: 'none', tls: undefined, ehloTls: undefined }), []);
    expect(v).toMatchObject({ headline: 'No encryption', short: 'No TLS', terse: 'plain', downgrade: 'plaintext', downgradeText: 'nothing to strip: no encryption at all' });
    expect(describeProbe(silentProbe('connection-refused'), [])).toMatchObject({ headline: 'Refused', short: 'Closed', terse: 'refused', downgradeText: 'unknown' });
  });

  it('a decisive finding decides the status even when the session did not complete', () => {
    const expiredBehind421 = probe({ outcome: 'server-busy', phase: 'ehlo-tls', smtpCode: 421 });
    const finding = (severity: 'warning' | 'critical' | 'info', untested = false) =>
      ({ code: 'cert.expired', severity, untested, scope: 'port', port: 25, host: expiredBehind421.host, address: expiredBehind421.address }) as const;
    expect(probeStatus(expiredBehind421, [finding('critical')])).toBe('critical');
    expect(probeStatus(expiredBehind421, [finding('warning')])).toBe('warning');
    expect(probeStatus(expiredBehind421, [finding('info')])).toBe('untested');
    expect(probeStatus(expiredBehind421, [finding('critical', true)])).toBe('untested');
    expect(probeStatus(probe({ outcome: 'tls-handshake-failed' }), [finding('warning')])).toBe('warning');
  });

  it('a finding without a host or address belongs to every probe on its port', () => {
    const p = probe({ port: 587 });
    const portWide = { code: 'auth.before-tls', severity: 'critical', untested: false, scope: 'port', port: 587 } as const;
    const otherHost = { ...portWide, host: 'other.example.test' };
    const otherAddress = { ...portWide, host: p.host, address: '192.0.2.99' };
    expect(findingsForProbe(p, [portWide, otherHost, otherAddress, { ...portWide, port: 25 }])).toEqual([portWide]);
  });

  it('words for verdicts, encryption and outcomes', () => {
    expect(verdictLabel('ok')).toBe('All good');
    expect(verdictLabel('untested')).toBe('Could not test');
    expect(encryptionLabel('implicit-tls')).toBe('Implicit TLS');
    expect(outcomeLabel('connection-timeout')).toBe('Timed out');
  });

  it('AUTH: none when no EHLO was seen, mechanisms once each across both EHLOs', () => {
    expect(describeProbe(silentProbe('connection-refused'), []).auth).toBeNull();
    const p = probe({ port: 587 });
    p.ehlo = { ...p.ehlo!, auth: ['PLAIN'] };
    expect(describeProbe(p, []).auth).toEqual({ mechanisms: ['PLAIN', 'LOGIN'], beforeTls: true });
    const onlyTls = probe({ port: 587, ehlo: undefined });
    expect(describeProbe(onlyTls, []).auth).toEqual({ mechanisms: ['PLAIN', 'LOGIN'], beforeTls: false });
    const noTls = probe({ port: 587, ehloTls: undefined });
    noTls.ehlo = { ...noTls.ehlo!, auth: ['LOGIN'] };
    expect(describeProbe(noTls, []).auth).toEqual({ mechanisms: ['LOGIN'], beforeTls: true });
  });
});

describe('visibleText', () => {
  it('writes each control character out, by name where it has one', () => {
    expect(visibleText('a\tb\nc\rd')).toBe('a\\tb\\nc\\rd');
    expect(visibleText('\u0001\u001f\u007f\u0080\u009f')).toBe('\\x01\\x1f\\x7f\\x80\\x9f');
    expect(visibleText('\u202a\u202e\u2066\u2069')).toBe('\\u202a\\u202e\\u2066\\u2069');
    expect(visibleText(' ~\u00a0é\u2065\u202f')).toBe(' ~\u00a0é\u2065\u202f');
  });
});

describe('certificate groups', () => {
  const leafA = cert({ sha256: 'AA' });
  const leafB = cert({ sha256: 'BB', subject: 'CN=b' });
  const at = (address: string, port: PortProbe['port'], over: Partial<NonNullable<PortProbe['tls']>> = {}, host = 'mx.example.test') =>
    probe({ host, address, port, tls: tls({ chain: [leafA], ...over }) });

  it('a chain that fails on one endpoint is the one shown, with its reason; mixed trust is flagged', () => {
    const failing = [leafA, cert({ sha256: 'CC' })];
    const [g] = groupCertificates([
      at('192.0.2.1', 25),
      at('192.0.2.2', 25, { trusted: false, trustReason: 'incomplete-chain', verifyError: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', chain: failing }),
      at('192.0.2.3', 25),
    ]);
    expect(g).toMatchObject({ trusted: false, mixedTrust: true, trustReason: 'incomplete-chain', verifyError: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
    expect(g!.chain).toBe(failing);
  });

  it('a trusted endpoint after a failing one keeps the failure', () => {
    const [g] = groupCertificates([at('192.0.2.2', 25, { trusted: false, trustReason: 'expired' }), at('192.0.2.1', 25)]);
    expect(g).toMatchObject({ trusted: false, mixedTrust: true, trustReason: 'expired' });
  });

  it('endpoints that agree are not mixed; hosts once in probe order, ports once ascending', () => {
    const groups = groupCertificates([
      at('192.0.2.1', 587, {}, 'mx2.example.test'),
      at('192.0.2.1', 25, {}, 'mx2.example.test'),
      at('192.0.2.2', 465, {}, 'mx1.example.test'),
      at('192.0.2.2', 25, {}, 'mx1.example.test'),
      probe({ address: '192.0.2.9', tls: tls({ chain: [leafB] }) }),
      silentProbe('connection-refused'),
      probe({ address: '192.0.2.8', tls: tls({ chain: [] }) }),
    ]);
    expect(groups.map((g) => g.sha256)).toEqual(['AA', 'BB']);
    expect(groups[0]).toMatchObject({ mixedTrust: false, trusted: true, hosts: ['mx2.example.test', 'mx1.example.test'], ports: [25, 465, 587] });
    expect(groups[0]!.endpoints).toHaveLength(4);
  });

  it('per host, a mismatch anywhere wins, a match beats unknown, unknown stays null', () => {
    const [g] = groupCertificates([
      at('192.0.2.1', 25, { hostnameMatch: true }, 'a.test'),
      at('192.0.2.2', 25, { hostnameMatch: false }, 'a.test'),
      at('192.0.2.3', 25, { hostnameMatch: true }, 'a.test'),
      at('192.0.2.1', 25, { hostnameMatch: undefined }, 'b.test'),
      at('192.0.2.2', 25, { hostnameMatch: true }, 'b.test'),
      at('192.0.2.3', 25, { hostnameMatch: undefined }, 'b.test'),
      at('192.0.2.1', 25, { hostnameMatch: undefined }, 'c.test'),
    ]);
    expect(g!.hostnameMatch).toEqual({ 'a.test': false, 'b.test': true, 'c.test': null });
    expect(g!.endpoints.map((e) => e.hostnameMatch)).toEqual([true, false, true, undefined, true, undefined, undefined]);
  });

  it('validityElapsed is clamped, and 1 for a period that is empty or a time that is not one', () => {
    const c = { notBefore: '2026-01-01T00:00:00Z', notAfter: '2026-01-11T00:00:00Z' };
    expect(validityElapsed(c, '2026-01-06T00:00:00Z')).toBe(0.5);
    expect(validityElapsed(c, '2025-12-01T00:00:00Z')).toBe(0);
    expect(validityElapsed(c, '2026-02-01T00:00:00Z')).toBe(1);
    expect(validityElapsed(c, 'not a time')).toBe(1);
    expect(validityElapsed({ notBefore: c.notAfter, notAfter: c.notAfter }, '2026-01-06T00:00:00Z')).toBe(1);
    expect(validityElapsed({ notBefore: c.notAfter, notAfter: c.notBefore }, '2026-01-06T00:00:00Z')).toBe(1);
  });
});
