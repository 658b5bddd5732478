/**
 * probePort against scripted fake mail servers on 127.10.0.0/16 (this file's loopback block), on
 * the real ports 25/465/587/2525. Each scenario owns one address.
 */
import ipaddr from 'ipaddr.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { probePort, type ProbePortOptions } from '@/lib/probe/probe-port';
import { CheckEventSchema, PortProbeSchema, type CheckEvent, type Port, type PortProbe } from '@/lib/probe/schema';
import { createTlsContext } from '@/lib/probe/tls/tls-context';
import { DEFAULT_LIMITS, systemClock, type AddressPolicy, type TlsContext } from '@/lib/probe/types';
import { createTestPki, type PkiLeaf, type TestPki } from '@/tests/fixtures/pki';
import { startFakeSmtp, type FakeSmtpHandle, type FakeSmtpOptions } from '@/tests/fixtures/smtp-server';

const BLOCK = ipaddr.parseCIDR('127.10.0.0/16');
const policy: AddressPolicy = (address) =>
  ipaddr.isValid(address) && ipaddr.parse(address).kind() === 'ipv4' && ipaddr.parse(address).match(BLOCK)
    ? { allowed: true, range: 'loopback', allowedByConfig: true }
    : { allowed: false, range: 'outside-test-block' };

const HOST = 'mx.example.test';
const limits = {
  ...DEFAULT_LIMITS,
  connectTimeoutMs: 1_000,
  greetingTimeoutMs: 1_500,
  commandTimeoutMs: 1_500,
  tlsTimeoutMs: 1_500,
  probeBudgetMs: 10_000,
};

let pki: TestPki;
let tls: TlsContext;
const servers: FakeSmtpHandle[] = [];

beforeAll(async () => {
  pki = await createTestPki();
  tls = createTlsContext({ extraCaPem: pki.caPem, extraCaFile: '' });
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

async function serve(opts: Omit<FakeSmtpOptions, 'tls'> & { leaf?: PkiLeaf }): Promise<FakeSmtpHandle> {
  const { leaf = pki.valid, ...rest } = opts;
  const server = await startFakeSmtp({ ...rest, tls: { key: leaf.keyPem, cert: leaf.chainPem } });
  servers.push(server);
  return server;
}

async function probe(
  address: string,
  port: Port,
  over: Partial<ProbePortOptions> = {},
): Promise<{ result: PortProbe; events: CheckEvent[] }> {
  const events: CheckEvent[] = [];
  const result = await probePort({
    host: HOST,
    address,
    family: 4,
    port,
    ehloName: 'probe.mxray.test',
    limits,
    policy,
    tls,
    clock: systemClock,
    onEvent: (e) => events.push(CheckEventSchema.parse(e)),
    ...over,
  });
  expect(PortProbeSchema.parse(result)).toEqual(result);
  return { result, events };
}

/** The client never spoke before the greeting ended and never tried to send mail. */
function expectPolite(server: FakeSmtpHandle): void {
  expect(server.received.filter((r) => !r.afterGreeting)).toEqual([]);
  expect(server.verbs().filter((v) => ['MAIL', 'RCPT', 'DATA', 'BDAT', 'AUTH'].includes(v))).toEqual([]);
}

const transcriptText = (r: PortProbe) => r.transcript.map((e) => `${e.dir} ${e.text}`).join('\n');

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
    expect(server.verbs()).toEqual(['EHLO', 'STARTTLS', 'EHLO', 'QUIT']);
    expect(server.received.map((r) => r.tls)).toEqual([false, false, true, true]);
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
    await serve({ address, port: 587, leaf: pki.expired });
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

describe('probePort: misconfigurations', () => {
  it('recognises plaintext SMTP on 465 and keeps its greeting and EHLO', async () => {
    const address = '127.10.0.20';
    const server = await serve({ address, port: 465, ehlo: ['AUTH PLAIN LOGIN'] });
    const { result } = await probe(address, 465);
    expect(result).toMatchObject({ outcome: 'plaintext-on-implicit-port', phase: 'tls', encryption: 'none' });
    expect(result.greeting?.code).toBe(220);
    expect(result.ehlo?.auth).toEqual(['PLAIN', 'LOGIN']);
    expect(result.tls).toBeUndefined();
    expect(server.connections).toBe(2);
    expect(server.received.filter((r) => r.connection === 2).map((r) => r.line.split(' ')[0])).toEqual(['EHLO', 'QUIT']);
    expect(transcriptText(result)).toMatch(/TLS handshake failed/);
  });

  it('reports a failed handshake on 465 when plain text is not SMTP either', async () => {
    const address = '127.10.0.32';
    const server = await serve({ address, port: 465, behaviour: 'http' });
    const { result } = await probe(address, 465);
    expect(result).toMatchObject({ outcome: 'tls-handshake-failed', phase: 'tls', encryption: 'unknown' });
    expect(result.errorCode).toMatch(/^ERR_SSL_/);
    expect(result.greeting).toBeUndefined();
    expect(server.connections).toBe(2);
  });

  it('recognises a port expecting TLS from the first byte on 587', async () => {
    const address = '127.10.0.21';
    const server = await serve({ address, port: 587, behaviour: 'tls-first', ehlo: ['AUTH PLAIN'] });
    const { result } = await probe(address, 587, { limits: { ...limits, greetingTimeoutMs: 800 } });
    expect(result).toMatchObject({ outcome: 'tls-on-plain-port', phase: 'greeting', encryption: 'implicit-tls' });
    expect(result.tls).toMatchObject({ mode: 'implicit', trusted: true });
    expect(result.ehloTls?.auth).toEqual(['PLAIN']);
    expect(server.connections).toBe(2);
    // Nothing was said on the silent first connection.
    expect(server.received.filter((r) => r.connection === 1)).toEqual([]);
  });

  it('keeps a 454 answer to STARTTLS as starttls-rejected and still says QUIT', async () => {
    const address = '127.10.0.22';
    const server = await serve({ address, port: 25, starttls: 'reject' });
    const { result } = await probe(address, 25);
    expect(result).toMatchObject({ outcome: 'starttls-rejected', phase: 'starttls', encryption: 'none', errorCode: 'SMTP_454' });
    expect(result.starttlsReply).toMatchObject({ code: 454, enhanced: '4.7.0' });
    expect(result.ehlo?.starttls).toBe(true);
    expect(server.verbs()).toEqual(['EHLO', 'STARTTLS', 'QUIT']);
  });

  it('reports a failed handshake after STARTTLS', async () => {
    const address = '127.10.0.23';
    const server = await serve({ address, port: 587, starttls: 'garbage' });
    const { result } = await probe(address, 587);
    expect(result).toMatchObject({ outcome: 'tls-handshake-failed', phase: 'tls', encryption: 'none' });
    expect(result.errorCode).toMatch(/^ERR_SSL_|ECONNRESET/);
    expect(result.tls).toBeUndefined();
    expect(result.ehlo?.starttls).toBe(true);
    expect(server.verbs()).toEqual(['EHLO', 'STARTTLS']);
  });

  it('discards bytes sent after STARTTLS 220 before the handshake (RFC 3207 §6)', async () => {
    const address = '127.10.0.24';
    const server = await serve({
      address,
      port: 25,
      injectAfterStarttls: '250-INJECTED\r\n250 AUTH PLAIN INJECTED\r\n',
      ehloTls: ['PIPELINING'],
    });
    const { result } = await probe(address, 25);
    expect(result).toMatchObject({ outcome: 'success', encryption: 'starttls' });
    expect(result.ehloTls?.auth).toEqual([]);
    expect(JSON.stringify(result.ehloTls)).not.toContain('INJECTED');
    const note = result.transcript.find((e) => e.dir === 'i' && e.text.includes('discarded'));
    expect(note?.text).toContain('250 AUTH PLAIN INJECTED');
    expect(result.transcript.filter((e) => e.dir === 's' && e.text.includes('INJECTED'))).toEqual([]);
    expectPolite(server);
  });

  it('ends a tarpit within the greeting timeout as io-timeout, saying nothing', async () => {
    const address = '127.10.0.25';
    const server = await serve({ address, port: 25, behaviour: 'tarpit', tarpitByteMs: 50 });
    const { result } = await probe(address, 25, { limits: { ...limits, greetingTimeoutMs: 1_000 } });
    expect(result).toMatchObject({ outcome: 'io-timeout', phase: 'greeting', errorCode: 'ETIMEDOUT' });
    expect(result.timings.totalMs).toBeLessThan(1_800);
    expect(server.received).toEqual([]);
    // a slow drip is not silence: no TLS retry
    expect(server.connections).toBe(1);
    expect(transcriptText(result)).toContain('received so far: 220-tarpit');
  });

  it.each([
    ['127.10.0.26', 'flood-lines'],
    ['127.10.0.27', 'flood-line'],
  ] as const)('stops a flooding server (%s, %s) as reply-too-large', async (address, behaviour) => {
    const server = await serve({ address, port: 25, behaviour });
    const { result } = await probe(address, 25);
    expect(result).toMatchObject({ outcome: 'reply-too-large', phase: 'greeting', errorCode: 'REPLY_TOO_LARGE' });
    expect(result.errorMessage).toMatch(behaviour === 'flood-line' ? /bytes per line/ : /per reply/);
    expect(server.received).toEqual([]);
  });

  it('reports a 421 greeting as server-busy and quits', async () => {
    const address = '127.10.0.28';
    const server = await serve({ address, port: 587, greeting: ['421 4.3.2 Service shutting down, try later'] });
    const { result } = await probe(address, 587);
    expect(result).toMatchObject({ outcome: 'server-busy', phase: 'greeting', encryption: 'unknown', errorCode: 'SMTP_421' });
    expect(result.greeting?.code).toBe(421);
    expect(server.verbs()).toEqual(['QUIT']);
  });

  it('reports a 554 greeting as greeting-rejected and quits', async () => {
    const address = '127.10.0.29';
    const server = await serve({ address, port: 25, greeting: ['554 5.7.1 No SMTP service here'] });
    const { result } = await probe(address, 25);
    expect(result).toMatchObject({ outcome: 'greeting-rejected', phase: 'greeting', errorCode: 'SMTP_554' });
    expect(server.verbs()).toEqual(['QUIT']);
  });

  it('reports command-rejected when EHLO and HELO are both refused', async () => {
    const address = '127.10.0.30';
    const server = await serve({ address, port: 25, ehlo: 'reject', helo: 'reject' });
    const { result } = await probe(address, 25);
    expect(result).toMatchObject({ outcome: 'command-rejected', phase: 'ehlo' });
    expect(server.verbs()).toEqual(['EHLO', 'HELO', 'QUIT']);
  });

  it('recognises an HTTP server as not-smtp', async () => {
    const address = '127.10.0.31';
    const server = await serve({ address, port: 587, behaviour: 'http' });
    const { result } = await probe(address, 587);
    expect(result).toMatchObject({ outcome: 'not-smtp', phase: 'greeting', errorCode: 'HTTP' });
    expect(result.greeting).toBeUndefined();
    expect(server.received).toEqual([]);
  });
});

describe('probePort: connection failures', () => {
  it('reports connection-refused when nothing listens', async () => {
    const { result, events } = await probe('127.10.0.99', 25);
    expect(result).toMatchObject({ outcome: 'connection-refused', phase: 'connect', errorCode: 'ECONNREFUSED', encryption: 'unknown' });
    expect(events).toEqual([]);
  });

  it('reports a reset as connection-reset', async () => {
    const address = '127.10.0.40';
    await serve({ address, port: 25, behaviour: 'reset' });
    const { result } = await probe(address, 25);
    expect(result).toMatchObject({ outcome: 'connection-reset', phase: 'greeting', errorCode: 'ECONNRESET' });
    expect(result.timings.connectMs).toBeGreaterThanOrEqual(0);
  });

  it('never connects to an address the policy refuses', async () => {
    const address = '127.10.0.41';
    const server = await serve({ address, port: 25 });
    const refuse: AddressPolicy = () => ({ allowed: false, range: 'loopback' });
    const { result, events } = await probe(address, 25, { policy: refuse });
    expect(result).toMatchObject({ outcome: 'blocked-target', phase: 'policy', errorCode: 'loopback' });
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
    const { result } = await probe(address, 25, { signal: controller.signal, limits: { ...limits, greetingTimeoutMs: 5_000 } });
    expect(result).toMatchObject({ outcome: 'aborted', phase: 'greeting', errorCode: 'ABORTED' });
    expect(Date.now() - started).toBeLessThan(1_000);
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
    const { result } = await probe(address, 25, { limits: { ...limits, greetingTimeoutMs: 5_000, probeBudgetMs: 700 } });
    expect(result).toMatchObject({ outcome: 'io-timeout', phase: 'greeting', errorCode: 'PROBE_BUDGET' });
    expect(result.timings.totalMs).toBeLessThan(1_500);
    expect(server.connections).toBe(1);
  });
});
