/**
 * probePort against well-behaved fake mail servers, and connection-level failures (refused, reset,
 * blocked, aborted, out of budget). Addresses 127.10.0.1–19 and 127.10.0.40–99.
 */
import { describe, expect, it } from 'vitest';
import type { AddressPolicy } from '@/lib/probe/types';
import { expectPolite, HOST, limits, probe, serve, transcriptText, useProbeHarness } from './probe-harness';

const harness = useProbeHarness();

describe('probePort: working servers', () => {
  it.each([
    ['127.10.0.1', 25],
    ['127.10.0.2', 587],
    ['127.10.0.3', 2525],
  ] as const)('completes STARTTLS on %s:%i with a trusted chain, AUTH only inside TLS', async (address, port) => {
    const server = await serve({
      address,
      port,
      ehlo: ['PIPELINING', 'SIZE 10240000', 'STARTTLS', '8BITMIME'],
      ehloTls: ['PIPELINING', 'SIZE 10240000', 'AUTH PLAIN LOGIN', '8BITMIME'],
    });
    const { result, events } = await probe(address, port);

    expect(result).toMatchObject({ outcome: 'success', phase: 'done', encryption: 'starttls', port, address, host: HOST });
    expect(result.greeting?.code).toBe(220);
    expect(result.ehlo).toMatchObject({ starttls: true, auth: [], pipelining: true, size: 10240000, heloFallback: false });
    expect(result.starttlsReply?.code).toBe(220);
    expect(result.ehloTls).toMatchObject({ starttls: false, auth: ['PLAIN', 'LOGIN'] });
    expect(result.tls).toMatchObject({ mode: 'starttls', version: 'TLSv1.3', trusted: true, hostnameMatch: true, servername: HOST });
    expect(result.tls?.chain[0]?.subjectAltNames).toContain(`DNS:${HOST}`);
    for (const k of ['connectMs', 'greetingMs', 'ehloMs', 'tlsMs', 'ehloTlsMs'] as const) {
      expect(result.timings[k]).toBeGreaterThanOrEqual(0);
    }
    expect(result.timings.totalMs).toBeGreaterThanOrEqual(result.timings.connectMs ?? 0);

    expect(events.map((e) => (e.type === 'probe-ehlo' ? `ehlo:${e.tls}` : e.type))).toEqual([
      'probe-connected',
      'probe-greeting',
      'ehlo:false',
      'probe-tls',
      'ehlo:true',
    ]);
    // Submission ports also ask whether a transaction is accepted before TLS (MAIL FROM:<>, RSET).
    const plainMail = port === 25 ? [] : ['MAIL', 'RSET'];
    expect(server.verbs()).toEqual(['EHLO', ...plainMail, 'STARTTLS', 'EHLO', 'QUIT']);
    expect(server.received.map((r) => r.tls)).toEqual([false, ...plainMail.map(() => false), false, true, true]);
    expect(server.received[0]?.line).toBe('EHLO probe.mxray.test');
    expectPolite(server);

    const text = transcriptText(result);
    expect(text).toContain('c EHLO probe.mxray.test');
    expect(text).toContain('s 250-STARTTLS');
    expect(text).toMatch(/i TLS established: TLSv1\.3/);
    expect(text).toContain('s 221 2.0.0 Bye');
    const times = result.transcript.map((e) => e.t);
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('speaks implicit TLS on 465 and keeps the EHLO as ehloTls', async () => {
    const address = '127.10.0.4';
    const server = await serve({ address, port: 465, behaviour: 'tls-first', ehlo: ['AUTH PLAIN', 'PIPELINING'] });
    const { result, events } = await probe(address, 465);

    expect(result).toMatchObject({ outcome: 'success', phase: 'done', encryption: 'implicit-tls' });
    expect(result.tls).toMatchObject({ mode: 'implicit', trusted: true, hostnameMatch: true, version: 'TLSv1.3' });
    expect(result.ehlo).toBeUndefined();
    expect(result.ehloTls?.auth).toEqual(['PLAIN']);
    expect(result.starttlsReply).toBeUndefined();
    expect(events.map((e) => e.type)).toEqual(['probe-connected', 'probe-tls', 'probe-greeting', 'probe-ehlo']);
    expect(server.verbs()).toEqual(['EHLO', 'QUIT']);
    expect(server.received.every((r) => r.tls)).toBe(true);
    expectPolite(server);
  });

  it('reports encryption none when STARTTLS is not offered', async () => {
    const address = '127.10.0.5';
    const server = await serve({ address, port: 25, ehlo: ['PIPELINING', '8BITMIME'] });
    const { result } = await probe(address, 25);
    expect(result).toMatchObject({ outcome: 'success', phase: 'done', encryption: 'none' });
    expect(result.ehlo?.starttls).toBe(false);
    expect(result.tls).toBeUndefined();
    expect(server.verbs()).toEqual(['EHLO', 'QUIT']);
    expectPolite(server);
  });

  it('records AUTH offered before TLS', async () => {
    const address = '127.10.0.6';
    const server = await serve({ address, port: 587, ehlo: ['AUTH=LOGIN', 'AUTH PLAIN LOGIN', 'STARTTLS'] });
    const { result } = await probe(address, 587);
    expect(result.outcome).toBe('success');
    expect(result.ehlo?.auth).toEqual(['LOGIN', 'PLAIN']);
    expect(result.ehloTls?.auth).toEqual(['LOGIN', 'PLAIN']);
    expectPolite(server);
  });

  it('waits out a 220- greeting split by a pause longer than the command timeout', async () => {
    const address = '127.10.0.7';
    const server = await serve({
      address,
      port: 25,
      greeting: ['220-mx.example.test ESMTP please hold', '220 mx.example.test ready now'],
      greetingPauseMs: 1_200,
      ehlo: ['PIPELINING'],
    });
    const { result } = await probe(address, 25, { limits: { ...limits, commandTimeoutMs: 500, greetingTimeoutMs: 4_000 } });
    expect(result.outcome).toBe('success');
    expect(result.greeting?.lines).toEqual(['mx.example.test ESMTP please hold', 'mx.example.test ready now']);
    expect(result.timings.greetingMs).toBeGreaterThanOrEqual(1_100);
    expect(server.received.length).toBeGreaterThan(0);
    expectPolite(server);
  });

  it('measures an untrusted certificate instead of refusing it', async () => {
    const address = '127.10.0.9';
    await serve({ address, port: 587, leaf: harness.pki().expired });
    const { result } = await probe(address, 587);
    expect(result).toMatchObject({ outcome: 'success', encryption: 'starttls' });
    expect(result.tls).toMatchObject({ trusted: false, trustReason: 'expired', verifyError: 'CERT_HAS_EXPIRED' });
    expect(result.ehloTls).toBeDefined();
  });

  it('caps the transcript and says so', async () => {
    const address = '127.10.0.10';
    await serve({ address, port: 25 });
    const { result } = await probe(address, 25, { limits: { ...limits, maxTranscriptEntries: 5 } });
    expect(result.outcome).toBe('success');
    expect(result.transcript).toHaveLength(5);
    expect(result.transcriptTruncated).toBe(true);
  });

  it('falls back to HELO when EHLO is refused', async () => {
    const address = '127.10.0.8';
    const server = await serve({ address, port: 25, ehlo: 'reject' });
    const { result } = await probe(address, 25);
    expect(result).toMatchObject({ outcome: 'success', encryption: 'none' });
    expect(result.ehlo).toMatchObject({ heloFallback: true, starttls: false, serverName: 'mx.example.test' });
    expect(server.verbs()).toEqual(['EHLO', 'HELO', 'QUIT']);
  });
});

describe('probePort: connection failures', () => {
  it('reports connection-refused when nothing listens', async () => {
    const { result, events } = await probe('127.10.0.99', 25);
    expect(result).toMatchObject({ outcome: 'connection-refused', phase: 'connect', systemError: 'ECONNREFUSED', encryption: 'unknown' });
    expect(events).toEqual([]);
  });

  it('reports a reset as connection-reset', async () => {
    const address = '127.10.0.40';
    await serve({ address, port: 25, behaviour: 'reset' });
    const { result } = await probe(address, 25);
    expect(result).toMatchObject({ outcome: 'connection-reset', phase: 'greeting', systemError: 'ECONNRESET' });
    expect(result.timings.connectMs).toBeGreaterThanOrEqual(0);
  });

  it('never connects to an address the policy refuses', async () => {
    const address = '127.10.0.41';
    const server = await serve({ address, port: 25 });
    const refuse: AddressPolicy = () => ({ allowed: false, range: 'loopback' });
    const { result, events } = await probe(address, 25, { policy: refuse });
    expect(result).toMatchObject({ outcome: 'blocked-target', phase: 'policy', refusal: { reason: 'policy', range: 'loopback' } });
    expect(events).toEqual([]);
    await new Promise((r) => setTimeout(r, 100));
    expect(server.connections).toBe(0);
  });

  it('ends at once, as aborted, when the signal fires mid-greeting', async () => {
    const address = '127.10.0.42';
    await serve({ address, port: 25, behaviour: 'tarpit', tarpitByteMs: 100 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const started = Date.now();
    const { result } = await probe(address, 25, { signal: controller.signal, limits: { ...limits, greetingTimeoutMs: 30_000 } });
    // The abort ended it (ABORTED, not ETIMEDOUT); the bound only catches a probe that hangs on to
    // the tarpit up to its 30 s greeting deadline, so a loaded machine cannot fail it.
    expect(result).toMatchObject({ outcome: 'aborted', phase: 'greeting', systemError: 'ABORTED' });
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('does not start when the signal is already aborted', async () => {
    const address = '127.10.0.43';
    const server = await serve({ address, port: 25 });
    const { result } = await probe(address, 25, { signal: AbortSignal.abort() });
    expect(result.outcome).toBe('aborted');
    expect(server.connections).toBe(0);
  });

  it('ends a silent server at the probe budget, without the TLS retry it has no time for', async () => {
    const address = '127.10.0.44';
    const server = await serve({ address, port: 25, behaviour: 'silent' });
    const { result } = await probe(address, 25, { limits: { ...limits, greetingTimeoutMs: 30_000, probeBudgetMs: 700 } });
    // PROBE_BUDGET says the budget ended it; the bound only catches a wait for the 30 s deadline.
    expect(result).toMatchObject({ outcome: 'io-timeout', phase: 'greeting', systemError: 'PROBE_BUDGET' });
    expect(result.timings.totalMs).toBeLessThan(15_000);
    expect(server.connections).toBe(1);
  });
});
