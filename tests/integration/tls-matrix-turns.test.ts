/**
 * The TLS matrix's handshakes of one port take turns: however many attempts run at once, one TLS
 * connection of the port is alive at a time (each holds ~30–38 kB of native memory while a busy
 * server works on its handshake). Counted at the client, where the memory is: node:tls's connect is
 * wrapped to count live client TLS sockets (opened, not yet closed). Verdicts are those of the
 * same servers in tls-matrix.test.ts.
 */
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type * as Tls from 'node:tls';
import { createAddressPolicy } from '@/lib/probe/address-policy';
import type { Port } from '@/lib/probe/schema';
import { localTlsSupport } from '@/lib/probe/tls/local-tls-support';
import { runTlsMatrix } from '@/lib/probe/tls/run-tls-matrix';
import { DEFAULT_LIMITS, systemClock } from '@/lib/probe/types';
import { createTestPki, type TestPki } from '@/tests/fixtures/pki';
import { startFakeSmtp, type FakeSmtpHandle } from '@/tests/fixtures/smtp-server';

const live = vi.hoisted(() => ({ now: 0, peak: 0, onOpen: undefined as (() => void) | undefined }));

vi.mock('node:tls', async (importOriginal) => {
  const tls = await importOriginal<typeof Tls>();
  const connect = ((...args: Parameters<typeof tls.connect>) => {
    const socket = tls.connect(...args);
    live.now++;
    live.peak = Math.max(live.peak, live.now);
    live.onOpen?.();
    socket.once('close', () => live.now--);
    return socket;
  }) as typeof tls.connect;
  return { ...tls, connect, default: { ...tls, connect } };
});

const policy = createAddressPolicy({ allowCidrs: ['127.123.0.0/16'] });
const HOST = 'mx.turns.test';
const limits = { ...DEFAULT_LIMITS, connectTimeoutMs: 2_000, greetingTimeoutMs: 3_000, commandTimeoutMs: 3_000, tlsTimeoutMs: 3_000, probeBudgetMs: 15_000 };

let pki: TestPki;
const servers: FakeSmtpHandle[] = [];

beforeAll(async () => {
  pki = await createTestPki({ hosts: [HOST] });
  // Measured once per process with TLS connections of its own: not the matrix's, not counted.
  await localTlsSupport();
  await vi.waitFor(() => expect(live.now).toBe(0), { timeout: 2_000, interval: 10 });
  live.peak = 0;
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  // Each test starts with no client TLS connection left from the one before.
  await vi.waitFor(() => expect(live.now).toBe(0), { timeout: 2_000, interval: 10 });
  live.peak = 0;
});

async function serve(address: string, port: Port, over: { greetingDelayMs?: number } = {}) {
  const s = await startFakeSmtp({
    address,
    port,
    ...(port === 465 ? { behaviour: 'tls-first' as const } : {}),
    ...over,
    tls: { key: pki.valid.keyPem, cert: pki.valid.chainPem, minVersion: 'TLSv1.2', maxVersion: 'TLSv1.3' },
  });
  servers.push(s);
  return s;
}

const statuses = (m: Awaited<ReturnType<typeof runTlsMatrix>>) => Object.fromEntries(m.versions.map((v) => [v.version, v.status]));

describe('TLS matrix handshakes take turns per port', () => {
  it('STARTTLS: three attempts at once, greetings side by side, one live TLS connection at a time', async () => {
    // The greeting pause makes the three attempts reach STARTTLS together.
    const server = await serve('127.123.4.1', 25, { greetingDelayMs: 300 });
    const m = await runTlsMatrix({
      host: HOST,
      address: '127.123.4.1',
      family: 4,
      port: 25,
      mode: 'starttls',
      negotiated: { version: 'TLSv1.3' },
      ehloName: 'probe.turns.test',
      limits,
      policy,
      clock: systemClock,
      concurrency: 3,
    });
    expect(statuses(m)).toEqual({ TLSv1: 'refused', 'TLSv1.1': 'refused', 'TLSv1.2': 'accepted', 'TLSv1.3': 'accepted' });
    expect(m.handshakes).toBe(3);
    expect(live.peak).toBe(1);
    // The plain part still ran side by side: three sessions were open at once.
    expect(server.peakSessions).toBe(3);
    // The stage deadlines started with each turn: nothing timed out for having waited.
    expect(m.versions.every((v) => v.status !== 'untested')).toBe(true);
  });

  it('implicit TLS: one live TLS connection at a time', async () => {
    await serve('127.123.4.2', 465);
    const m = await runTlsMatrix({
      host: HOST,
      address: '127.123.4.2',
      family: 4,
      port: 465,
      mode: 'implicit',
      negotiated: { version: 'TLSv1.3' },
      ehloName: 'probe.turns.test',
      limits,
      policy,
      clock: systemClock,
      concurrency: 3,
    });
    expect(statuses(m)).toEqual({ TLSv1: 'refused', 'TLSv1.1': 'refused', 'TLSv1.2': 'accepted', 'TLSv1.3': 'accepted' });
    expect(live.peak).toBe(1);
  });

  it('a cancelled check ends the attempts waiting for their turn at once, as aborted', async () => {
    await serve('127.123.4.3', 465);
    const ac = new AbortController();
    // Cancelled as the first attempt opens its TLS connection, while the others wait for the turn.
    live.onOpen = () => ac.abort();
    const run = runTlsMatrix({
      host: HOST,
      address: '127.123.4.3',
      family: 4,
      port: 465,
      mode: 'implicit',
      negotiated: { version: 'TLSv1.3' },
      ehloName: 'probe.turns.test',
      limits,
      policy,
      clock: systemClock,
      concurrency: 3,
      signal: ac.signal,
    });
    const m = await run;
    live.onOpen = undefined;
    expect(live.peak).toBe(1);
    expect(m.versions.filter((v) => v.status !== 'accepted').every((v) => v.status === 'untested' && v.reason === 'aborted')).toBe(true);
  });
});
