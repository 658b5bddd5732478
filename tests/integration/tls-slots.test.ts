/**
 * The engine's bound on live client TLS connections (PROBE_MAX_TLS_CONNECTIONS, net/tls-slots.ts)
 * with real handshakes against loopback servers on 127.141.0.0/16: every way a TLS socket ends gives
 * its slot back exactly once, a wait for a slot is never the server's fault or the server's time,
 * and a port's probe holding a slot while its matrix waits for one cannot deadlock a pool of one.
 */
import { connect as netConnect, createServer, type Server, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAddressPolicy } from '@/lib/probe/address-policy';
import { createResolver } from '@/lib/probe/dns/resolver';
import { tlsHandshake } from '@/lib/probe/net/tls-handshake';
import { createTlsSlots, type TlsSlots } from '@/lib/probe/net/tls-slots';
import { deadlineFor, type Deadline } from '@/lib/probe/net/deadline';
import { probePort } from '@/lib/probe/probe-port';
import { runCheck } from '@/lib/probe/run-check';
import { CheckResultSchema, PortProbeSchema, type CheckResult, type Port } from '@/lib/probe/schema';
import { createTlsContext } from '@/lib/probe/tls/tls-context';
import { DEFAULT_LIMITS, systemClock, type TlsContext } from '@/lib/probe/types';
import { isUntestedOutcome } from '@/lib/verdict/probe-status';
import { reverseName, startDnsServer, type DnsServerHandle } from '@/tests/fixtures/dns-server';
import { createTestPki, type TestPki } from '@/tests/fixtures/pki';
import { startFakeSmtp, type FakeSmtpHandle, type FakeSmtpOptions } from '@/tests/fixtures/smtp-server';

const HOST = 'mx.slots.test';
const policy = createAddressPolicy({ allowCidrs: ['127.141.0.0/16'] });
const limits = { ...DEFAULT_LIMITS, connectTimeoutMs: 2_000, greetingTimeoutMs: 3_000, commandTimeoutMs: 3_000, tlsTimeoutMs: 3_000, probeBudgetMs: 15_000, dnsTimeoutMs: 1_000 };
const now = () => performance.now();
const never: Deadline = { at: Infinity, byBudget: true, now };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let pki: TestPki;
let tls: TlsContext;
const servers: { close(): Promise<void> | void }[] = [];

beforeAll(async () => {
  pki = await createTestPki({ hosts: [HOST] });
  tls = createTlsContext({ extraCaPem: pki.caPem, extraCaFile: '' });
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(address: string, port: Port, over: Partial<FakeSmtpOptions> = {}): Promise<FakeSmtpHandle> {
  const s = await startFakeSmtp({
    address,
    port,
    ...(port === 465 ? { behaviour: 'tls-first' as const } : {}),
    ...over,
    tls: { key: pki.valid.keyPem, cert: pki.valid.chainPem, minVersion: 'TLSv1.2' },
  });
  servers.push(s);
  return s;
}

/** A raw TCP server on an ephemeral port: `onSocket` decides what the client's ClientHello meets. */
async function rawServer(address: string, onSocket: (s: Socket) => void): Promise<number> {
  const server: Server = createServer((s) => {
    s.on('error', () => {});
    onSocket(s);
  });
  const open = new Set<Socket>();
  server.on('connection', (s) => (open.add(s), s.on('close', () => open.delete(s))));
  await new Promise<void>((r) => server.listen(0, address, () => r()));
  servers.push({ close: () => new Promise<void>((r) => (open.forEach((s) => s.destroy()), server.close(() => r()))) });
  return (server.address() as { port: number }).port;
}

async function connected(address: string, port: number): Promise<Socket> {
  const s = netConnect({ host: address, port });
  s.on('error', () => {});
  await new Promise<void>((r, j) => (s.once('connect', () => r()), s.once('error', j)));
  return s;
}

/** A pool whose every release function counts its calls (the pool itself ignores repeats). */
function countedSlots(max: number): { pool: TlsSlots; calls: number[]; inner: TlsSlots } {
  const inner = createTlsSlots({ max });
  const calls: number[] = [];
  const pool: TlsSlots = {
    async acquire(o) {
      const r = await inner.acquire(o);
      if (!('release' in r)) return r;
      const i = calls.push(0) - 1;
      return {
        release: () => {
          calls[i]!++;
          r.release();
        },
      };
    },
    get limit() {
      return inner.limit;
    },
    get active() {
      return inner.active;
    },
    get waiting() {
      return inner.waiting;
    },
  };
  return { pool, calls, inner };
}

describe('tlsHandshake with a slot: given back exactly once, however the TLS socket ends', () => {
  const hs = (socket: Socket, pool: TlsSlots, over: { signal?: AbortSignal; stageMs?: number } = {}) =>
    tlsHandshake({
      socket,
      host: HOST,
      ctx: tls,
      deadline: () => deadlineFor(over.stageMs ?? 3_000, Infinity, now),
      ...(over.signal ? { signal: over.signal } : {}),
      slots: { pool, budget: never },
    });

  it('a completed handshake holds its slot until the connection closes', async () => {
    await serve('127.141.1.1', 465);
    const { pool, calls, inner } = countedSlots(1);
    const r = await hs(await connected('127.141.1.1', 465), pool);
    expect(r.ok).toBe(true);
    expect(inner.active).toBe(1);
    await sleep(100);
    expect(calls).toEqual([0]);
    r.socket!.end();
    await sleep(300);
    r.socket!.destroy();
    await sleep(50);
    expect(calls).toEqual([1]);
    expect(inner.active).toBe(0);
  });

  it('a refused handshake (garbage instead of a ServerHello)', async () => {
    const port = await rawServer('127.141.1.2', (s) => s.once('data', () => s.end('not TLS, sorry\r\n')));
    const { pool, calls, inner } = countedSlots(1);
    const r = await hs(await connected('127.141.1.2', port), pool);
    expect(r.ok).toBe(false);
    expect('code' in r && r.code).toBeTruthy();
    await sleep(100);
    r.socket?.destroy();
    await sleep(50);
    expect(calls).toEqual([1]);
    expect(inner.active).toBe(0);
  });

  it('a stalled handshake that times out, then is destroyed by its caller', async () => {
    const port = await rawServer('127.141.1.3', (s) => s.on('data', () => {}));
    const { pool, calls, inner } = countedSlots(1);
    const r = await hs(await connected('127.141.1.3', port), pool, { stageMs: 150 });
    expect(r).toMatchObject({ ok: false, interrupted: 'timeout' });
    expect(calls).toEqual([0]);
    r.socket!.destroy();
    await sleep(50);
    expect(calls).toEqual([1]);
    expect(inner.active).toBe(0);
  });

  it('an abort mid-handshake, the plain socket under it destroyed (as a cancelled probe does)', async () => {
    const port = await rawServer('127.141.1.4', (s) => s.on('data', () => {}));
    const { pool, calls, inner } = countedSlots(1);
    const plain = await connected('127.141.1.4', port);
    const ac = new AbortController();
    const pending = hs(plain, pool, { signal: ac.signal });
    await sleep(50);
    ac.abort();
    const r = await pending;
    expect(r).toMatchObject({ ok: false, interrupted: 'aborted' });
    plain.destroy();
    await sleep(50);
    expect(calls).toEqual([1]);
    r.socket?.destroy();
    await sleep(50);
    expect(calls).toEqual([1]);
    expect(inner.active).toBe(0);
  });

  it('an abort while queued ends the wait at once: no TLS socket, no slot, nothing sent', async () => {
    let heard = 0;
    const port = await rawServer('127.141.1.5', (s) => s.on('data', () => heard++));
    const { pool, calls, inner } = countedSlots(1);
    const holder = await inner.acquire({ deadline: never });
    const ac = new AbortController();
    const pending = hs(await connected('127.141.1.5', port), pool, { signal: ac.signal });
    await sleep(50);
    expect(inner.waiting).toBe(1);
    ac.abort();
    expect(await pending).toMatchObject({ ok: false, queued: true, interrupted: 'aborted' });
    expect(inner.waiting).toBe(0);
    if ('release' in holder) holder.release();
    await sleep(50);
    expect(calls).toEqual([]);
    expect(inner.active).toBe(0);
    expect(heard).toBe(0);
  });

  it('a connection the server closed while it waited is not handshaken over, and its slot is given back at once', async () => {
    const port = await rawServer('127.141.1.6', (s) => setTimeout(() => s.end(), 30));
    const { pool, calls, inner } = countedSlots(1);
    const holder = await inner.acquire({ deadline: never });
    const plain = await connected('127.141.1.6', port);
    plain.resume();
    const pending = hs(plain, pool);
    await sleep(150);
    if ('release' in holder) holder.release();
    const r = await pending;
    expect(r).toMatchObject({ ok: false, queued: true, closedWhileQueued: true });
    expect(calls).toEqual([1]);
    expect(inner.active).toBe(0);
  });
});

describe('a port probe waiting for a slot', () => {
  const probe = (address: string, port: Port, slots: TlsSlots, probeBudgetMs = limits.probeBudgetMs) =>
    probePort({ host: HOST, address, family: 4, port, ehloName: 'probe.slots.test', limits: { ...limits, probeBudgetMs }, policy, tls, clock: systemClock, tlsSlots: slots }).then((r) =>
      PortProbeSchema.parse(r),
    );

  it('whose budget ends in the queue reads "could not test" (aborted, PROBE_BUDGET), never a TLS failure', async () => {
    const s = await serve('127.141.2.1', 587);
    const slots = createTlsSlots({ max: 1 });
    const holder = await slots.acquire({ deadline: never });
    const result = await probe('127.141.2.1', 587, slots, 1_200);
    expect(result).toMatchObject({ outcome: 'aborted', phase: 'tls', systemError: 'PROBE_BUDGET' });
    expect(isUntestedOutcome(result)).toBe(true);
    expect(result.tls).toBeUndefined();
    expect(s.received.some((r) => r.tls)).toBe(false);
    if ('release' in holder) holder.release();
    expect(slots.active).toBe(0);
  });

  it("on implicit TLS (465) too, without the plaintext second look", async () => {
    const s = await serve('127.141.2.2', 465);
    const slots = createTlsSlots({ max: 1 });
    const holder = await slots.acquire({ deadline: never });
    const result = await probe('127.141.2.2', 465, slots, 1_200);
    expect(result).toMatchObject({ outcome: 'aborted', phase: 'tls', systemError: 'PROBE_BUDGET' });
    expect(s.connections).toBe(1);
    if ('release' in holder) holder.release();
  });

  it("that gets one: the wait shows in the transcript, not in the handshake's time", async () => {
    await serve('127.141.2.3', 587);
    const slots = createTlsSlots({ max: 1 });
    const holder = await slots.acquire({ deadline: never });
    // Given back 1.5 s after the probe starts (the greeting and EHLO take a few ms on loopback).
    setTimeout(() => 'release' in holder && holder.release(), 1_500);
    const t0 = now();
    const result = await probe('127.141.2.3', 587, slots);
    expect(now() - t0).toBeGreaterThan(1_400);
    expect(result.outcome).toBe('success');
    expect(result.timings.tlsMs).toBeLessThan(1_000);
    expect(result.transcript.some((e) => /waited \d+ ms for one of this engine's 1 TLS connection slots/.test(e.text))).toBe(true);
    await sleep(400);
    expect(slots.active).toBe(0);
  });
});

describe('a check with a pool of one slot and the TLS matrix on', () => {
  let dns: DnsServerHandle;
  beforeAll(async () => {
    dns = await startDnsServer([
      { name: 'slots.test', type: 'MX', preference: 10, exchange: HOST },
      { name: HOST, type: 'A', address: '127.141.3.1' },
      { name: reverseName('127.141.3.1'), type: 'PTR', target: HOST },
    ]);
  });
  afterAll(async () => {
    await dns?.close();
  });

  async function check(tlsSlots?: TlsSlots): Promise<CheckResult> {
    const gen = runCheck(
      { input: 'slots.test', mode: 'domain', domain: 'slots.test', displayDomain: 'slots.test' },
      {
        resolver: createResolver({ servers: [dns.servers], timeoutMs: 1_000, tries: 1 }),
        policy,
        tls,
        limits,
        ehloName: 'probe.slots.test',
        tlsMatrix: { concurrency: 3 },
        ...(tlsSlots ? { tlsSlots } : {}),
      },
    );
    for (;;) {
      const n = await gen.next();
      if (n.done) return CheckResultSchema.parse(n.value);
    }
  }

  // Each port's probe takes the one slot and keeps it through EHLO, the relay test and QUIT while
  // its matrix, started at its handshake, queues behind it: the probe never waits for its matrix,
  // so the slot comes back and every matrix handshake runs.
  it('ends, with every matrix handshake run (none cut off), never two TLS sessions at once', async () => {
    const s25 = await serve('127.141.3.1', 25);
    const s465 = await serve('127.141.3.1', 465);
    const slots = createTlsSlots({ max: 1 });
    const result = await check(slots);
    const tlsPorts = result.probes.filter((p) => p.port === 25 || p.port === 465);
    expect(tlsPorts.map((p) => p.outcome)).toEqual(['success', 'success']);
    for (const p of tlsPorts) {
      expect(p.tlsMatrix).toBeDefined();
      const entries = [...p.tlsMatrix!.versions, ...p.tlsMatrix!.suites];
      expect(entries.filter((e) => e.status === 'untested' && e.reason !== 'local-openssl')).toEqual([]);
      expect(p.tlsMatrix!.handshakes).toBeGreaterThan(1);
    }
    expect(s25.peakTls).toBe(1);
    expect(s465.peakTls).toBe(1);
    await sleep(400);
    expect({ active: slots.active, waiting: slots.waiting }).toEqual({ active: 0, waiting: 0 });
  });

  it('without the pool, the same check has several TLS sessions open at once (what the bound changes)', async () => {
    const s25 = await serve('127.141.3.1', 25);
    await serve('127.141.3.1', 465);
    await check();
    expect(s25.peakTls).toBeGreaterThan(1);
  });
});
