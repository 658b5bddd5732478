/**
 * Shared set-up for the probePort integration tests: fake mail servers on 127.10.0.0/16 (this
 * suite's loopback block) on the real ports 25/465/587/2525, one address per scenario, a policy
 * allowing only that block, and a client trusting the test CA.
 */
import ipaddr from 'ipaddr.js';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { probePort, type ProbePortOptions } from '@/lib/probe/probe-port';
import { CheckEventSchema, PortProbeSchema, type CheckEvent, type Port, type PortProbe } from '@/lib/probe/schema';
import { createTlsContext } from '@/lib/probe/tls/tls-context';
import { DEFAULT_LIMITS, systemClock, type AddressPolicy, type TlsContext } from '@/lib/probe/types';
import { createTestPki, type PkiLeaf, type TestPki } from '@/tests/fixtures/pki';
import { startFakeSmtp, type FakeSmtpHandle, type FakeSmtpOptions } from '@/tests/fixtures/smtp-server';

const BLOCK = ipaddr.parseCIDR('127.10.0.0/16');
export const policy: AddressPolicy = (address) =>
  ipaddr.isValid(address) && ipaddr.parse(address).kind() === 'ipv4' && ipaddr.parse(address).match(BLOCK)
    ? { allowed: true, range: 'loopback', allowedByConfig: true }
    : { allowed: false, range: 'outside-test-block' };

export const HOST = 'mx.example.test';
export const limits = {
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

/** Registers the suite's hooks: the test PKI and TLS context once, servers closed after each test. */
export function useProbeHarness(): { pki: () => TestPki } {
  beforeAll(async () => {
    pki = await createTestPki();
    tls = createTlsContext({ extraCaPem: pki.caPem, extraCaFile: '' });
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });
  afterAll(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });
  return { pki: () => pki };
}

export async function serve(opts: Omit<FakeSmtpOptions, 'tls'> & { leaf?: PkiLeaf }): Promise<FakeSmtpHandle> {
  const { leaf = pki.valid, ...rest } = opts;
  const server = await startFakeSmtp({ ...rest, tls: { key: leaf.keyPem, cert: leaf.chainPem } });
  servers.push(server);
  return server;
}

export async function probe(
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

/**
 * The client never spoke before the greeting ended and never tried to send mail: the only MAIL is
 * the null-sender `MAIL FROM:<>` in plaintext (the TLS-required test), each followed by RSET.
 */
export function expectPolite(server: FakeSmtpHandle): void {
  expect(server.received.filter((r) => !r.afterGreeting)).toEqual([]);
  expect(server.verbs().filter((v) => ['RCPT', 'DATA', 'BDAT', 'AUTH'].includes(v))).toEqual([]);
  server.received.forEach((r, i) => {
    if (!/^MAIL\b/i.test(r.line)) return;
    expect(r).toMatchObject({ line: 'MAIL FROM:<>', tls: false });
    expect(server.received[i + 1]?.line).toBe('RSET');
  });
}

export const transcriptText = (r: PortProbe) => r.transcript.map((e) => `${e.dir} ${e.text}`).join('\n');
