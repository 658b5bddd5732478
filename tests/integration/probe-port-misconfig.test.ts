/**
 * probePort against misconfigured or hostile fake servers: plaintext on 465, TLS-first on 587,
 * STARTTLS refused or broken, response injection, tarpit, flood, 4xx/5xx greetings, HTTP.
 * Addresses 127.10.0.20–39.
 */
import { evaluateProbe } from '@/lib/probe/findings/evaluate';
import { describe, expect, it } from 'vitest';
import { expectPolite, limits, probe, serve, transcriptText, useProbeHarness } from './probe-harness';

useProbeHarness();

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
    expect(result.systemError).toMatch(/^ERR_SSL_/);
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
    expect(result).toMatchObject({ outcome: 'starttls-rejected', phase: 'starttls', encryption: 'none', smtpCode: 454 });
    expect(result.starttlsReply).toMatchObject({ code: 454, enhanced: '4.7.0' });
    expect(result.ehlo?.starttls).toBe(true);
    expect(server.verbs()).toEqual(['EHLO', 'STARTTLS', 'QUIT']);
  });

  it('treats a 421 answer to STARTTLS as "could not test", not as STARTTLS refused', async () => {
    const address = '127.10.0.33';
    await serve({ address, port: 25, starttls: 'busy' });
    const { result } = await probe(address, 25);
    expect(result).toMatchObject({ outcome: 'server-busy', phase: 'starttls', encryption: 'unknown', smtpCode: 421 });
    expect(result.starttlsReply?.code).toBe(421);
    const findings = evaluateProbe(result, 'domain');
    expect(findings.map((f) => f.code)).toEqual(['port.busy']);
    expect(findings[0]).toMatchObject({ untested: true, params: { code: 421 } });
  });

  it('reports a failed handshake after STARTTLS', async () => {
    const address = '127.10.0.23';
    const server = await serve({ address, port: 587, starttls: 'garbage' });
    const { result } = await probe(address, 587);
    expect(result).toMatchObject({ outcome: 'tls-handshake-failed', phase: 'tls', encryption: 'none' });
    expect(result.systemError).toMatch(/^ERR_SSL_|ECONNRESET/);
    expect(result.tls).toBeUndefined();
    expect(result.ehlo?.starttls).toBe(true);
    expect(server.verbs()).toEqual(['EHLO', 'MAIL', 'RSET', 'STARTTLS']);
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
    expect(result).toMatchObject({ outcome: 'io-timeout', phase: 'greeting', systemError: 'ETIMEDOUT' });
    // ETIMEDOUT (not PROBE_BUDGET) says the greeting deadline ended it, though bytes kept coming;
    // the bound only catches a deadline that each byte pushed back until the probe budget.
    expect(result.timings.totalMs).toBeLessThan(limits.probeBudgetMs);
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
    expect(result).toMatchObject({ outcome: 'reply-too-large', phase: 'greeting', systemError: 'REPLY_TOO_LARGE' });
    expect(result.errorMessage).toMatch(behaviour === 'flood-line' ? /bytes per line/ : /per reply/);
    expect(server.received).toEqual([]);
  });

  it('reports a 421 greeting as server-busy and quits', async () => {
    const address = '127.10.0.28';
    const server = await serve({ address, port: 587, greeting: ['421 4.3.2 Service shutting down, try later'] });
    const { result } = await probe(address, 587);
    expect(result).toMatchObject({ outcome: 'server-busy', phase: 'greeting', encryption: 'unknown', smtpCode: 421 });
    expect(result.greeting?.code).toBe(421);
    expect(server.verbs()).toEqual(['QUIT']);
  });

  it('reports a 554 greeting as greeting-rejected and quits', async () => {
    const address = '127.10.0.29';
    const server = await serve({ address, port: 25, greeting: ['554 5.7.1 No SMTP service here'] });
    const { result } = await probe(address, 25);
    expect(result).toMatchObject({ outcome: 'greeting-rejected', phase: 'greeting', smtpCode: 554 });
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
    expect(result).toMatchObject({ outcome: 'not-smtp', phase: 'greeting', foreignProtocol: 'HTTP' });
    expect(result.greeting).toBeUndefined();
    expect(server.received).toEqual([]);
  });
});
