/**
 * Hostile mail servers, each behind its own scenario domain in a loopback DNS zone, checked end to
 * end with runCheck: every one must end as a finding within the check's budget, and the process's
 * memory must stay bounded while they flood. All servers bind 127.70.0.0/16 (this suite's block).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAddressPolicy } from '@/lib/probe/address-policy';
import { createResolver } from '@/lib/probe/dns/resolver';
import { runCheck } from '@/lib/probe/run-check';
import { CheckResultSchema, type CheckResult, type Port, type PortProbe } from '@/lib/probe/schema';
import { createTlsContext } from '@/lib/probe/tls/tls-context';
import { DEFAULT_LIMITS, type ProbeLimits } from '@/lib/probe/types';
import { startDnsServer, type DnsServerHandle, type ZoneRecord } from '@/tests/fixtures/dns-server';
import { createTestPki, type PkiLeaf, type TestPki } from '@/tests/fixtures/pki';
import { startFakeSmtp, type FakeSmtpHandle, type FakeSmtpOptions } from '@/tests/fixtures/smtp-server';

const SUFFIX = 'hostile.test';

/** Small, so the whole suite stays quick; the assertions hold for any budget. */
const limits: ProbeLimits = {
  ...DEFAULT_LIMITS,
  connectTimeoutMs: 1_000,
  greetingTimeoutMs: 1_500,
  commandTimeoutMs: 1_500,
  tlsTimeoutMs: 1_500,
  probeBudgetMs: 4_000,
  checkBudgetMs: 6_000,
  dnsTimeoutMs: 1_000,
};
/**
 * Assembling the result after the last probe (findings, summary) is not part of any wait, and a
 * busy machine fires timers late; a check that ignored its budget would overrun by seconds.
 */
const RESULT_SLACK_MS = 1_000;

type ServerPlan = Omit<FakeSmtpOptions, 'address' | 'tls'> & { port: Port; leaf?: PkiLeaf };

interface Scenario {
  name: string;
  servers: (pki: TestPki, big: string) => ServerPlan[];
}

const NUL_GREETING = Buffer.concat([
  Buffer.from('220 mx.nul.hostile.test ESMTP with a NUL \x00 here and bad UTF-8: ', 'latin1'),
  Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xe2, 0x82]),
  Buffer.from('\r\n', 'latin1'),
]);
const BINARY_GREETING = Buffer.from([0x00, 0x00, 0xff, 0x13, 0x37, 0x00, 0xfe, 0x80, 0x00, 0x0d, 0x0a, 0x00, 0x00]);
const THOUSANDS_OF_CAPS = Array.from({ length: 5_000 }, (_, i) => `X-CAPABILITY-${i} ${'p'.repeat(20)}`);

const SCENARIOS: Scenario[] = [
  { name: 'silent', servers: () => [{ port: 25, behaviour: 'silent' }] },
  { name: 'drip', servers: () => [{ port: 25, behaviour: 'tarpit', tarpitByteMs: 1_000 }] },
  { name: 'endless-lines', servers: () => [{ port: 25, behaviour: 'flood-lines' }] },
  { name: 'huge-line', servers: () => [{ port: 25, behaviour: 'flood-line' }] },
  { name: 'nul', servers: () => [{ port: 25, greetingBytes: NUL_GREETING }] },
  { name: 'binary', servers: () => [{ port: 25, greetingBytes: BINARY_GREETING }] },
  { name: 'many-caps', servers: () => [{ port: 25, ehlo: THOUSANDS_OF_CAPS }] },
  { name: 'tls-garbage', servers: () => [{ port: 25, starttls: 'garbage' }] },
  { name: 'tls-stall', servers: () => [{ port: 25, starttls: 'stall' }] },
  {
    name: 'big-chain',
    servers: (pki, big) => [
      { port: 25, leaf: { ...pki.valid, chainPem: pki.valid.chainPem + big } },
      { port: 465, behaviour: 'tls-first', leaf: { ...pki.valid, chainPem: pki.valid.chainPem + big } },
    ],
  },
  { name: 'reset-connect', servers: () => [{ port: 25, behaviour: 'reset' }] },
  { name: 'reset-greeting', servers: () => [{ port: 25, resetAt: 'greeting' }] },
  { name: 'reset-ehlo', servers: () => [{ port: 25, resetAt: 'ehlo' }] },
  { name: 'reset-starttls', servers: () => [{ port: 25, resetAt: 'starttls' }] },
  {
    name: 'reset-tls',
    servers: () => [
      { port: 25, resetAt: 'tls' },
      { port: 465, behaviour: 'tls-first', resetAt: 'tls' },
    ],
  },
  {
    name: 'reset-ehlo-tls',
    servers: () => [
      { port: 25, resetAt: 'ehlo-tls' },
      { port: 465, behaviour: 'tls-first', resetAt: 'ehlo-tls' },
    ],
  },
];

const domainOf = (name: string) => `${name}.${SUFFIX}`;
const addressOf = (i: number) => `127.70.${i + 1}.1`;

let dns: DnsServerHandle;
const servers: FakeSmtpHandle[] = [];
const results = new Map<string, CheckResult>();
let memory: { baselineRss: number; peakRss: number; heapBefore: number; heapAfter: number };
let bigChain: { certs: number; bytes: number };

/** 200 certificates, each carrying 300 long SANs: several MB in one Certificate message. */
async function enormousChain(pki: TestPki): Promise<string> {
  const names = (k: number) => Array.from({ length: 300 }, (_, i) => `very-long-subject-alternative-name-${k}-${i}.padding.${SUFFIX}`);
  const distinct = await Promise.all([0, 1, 2, 3].map((k) => pki.issue({ hosts: names(k) })));
  const pems = Array.from({ length: 200 }, (_, i) => distinct[i % distinct.length]!.certPem);
  const text = pems.join('');
  bigChain = { certs: pems.length, bytes: text.length };
  return text;
}

async function check(domain: string): Promise<CheckResult> {
  const deps = {
    resolver: createResolver({ servers: [dns.servers], timeoutMs: limits.dnsTimeoutMs, tries: 1 }),
    policy: createAddressPolicy({ allowCidrs: ['127.70.0.0/16'] }),
    tls,
    limits,
    ehloName: 'probe.hostile.test',
  };
  const gen = runCheck({ input: domain, mode: 'domain', domain, displayDomain: domain }, deps);
  for (;;) {
    const step = await gen.next();
    if (step.done) return step.value;
  }
}

let tls: ReturnType<typeof createTlsContext>;

beforeAll(async () => {
  const pki = await createTestPki({ hosts: SCENARIOS.map((s) => `mx.${domainOf(s.name)}`) });
  tls = createTlsContext({ extraCaPem: pki.caPem, extraCaFile: '' });
  const big = await enormousChain(pki);
  const records: ZoneRecord[] = SCENARIOS.flatMap((s, i) => [
    { name: domainOf(s.name), type: 'MX' as const, preference: 10, exchange: `mx.${domainOf(s.name)}` },
    { name: `mx.${domainOf(s.name)}`, type: 'A' as const, address: addressOf(i) },
  ]);
  dns = await startDnsServer(records);
  for (const [i, s] of SCENARIOS.entries()) {
    for (const { leaf = pki.valid, ...plan } of s.servers(pki, big)) {
      servers.push(await startFakeSmtp({ ...plan, address: addressOf(i), tls: { key: leaf.keyPem, cert: leaf.chainPem } }));
    }
  }

  // Every hostile check at once, three times over, sampling memory while they flood.
  const baselineRss = process.memoryUsage().rss;
  const heapBefore = process.memoryUsage().heapUsed;
  let peakRss = baselineRss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
  try {
    const rounds = await Promise.all([0, 1, 2].map(() => Promise.all(SCENARIOS.map((s) => check(domainOf(s.name))))));
    for (const [i, s] of SCENARIOS.entries()) results.set(s.name, rounds[0]![i]!);
  } finally {
    clearInterval(sampler);
  }
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  memory = { baselineRss, peakRss, heapBefore, heapAfter: process.memoryUsage().heapUsed };
}, 120_000);

afterAll(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  await dns?.close();
});

function resultOf(name: string): CheckResult {
  const r = results.get(name);
  if (!r) throw new Error(`no result for ${name}`);
  return r;
}

function probeOf(name: string, port: Port): PortProbe {
  const p = resultOf(name).probes.find((x) => x.port === port);
  if (!p) throw new Error(`no probe of port ${port} for ${name}`);
  return p;
}

const codesAt = (name: string, port: Port) => resultOf(name).findings.filter((f) => f.port === port).map((f) => f.code);

describe('every hostile server ends as a finding within the check budget', () => {
  it.each(SCENARIOS.map((s) => s.name))('%s: a complete, schema-valid result inside the budget', (name) => {
    const r = resultOf(name);
    expect(CheckResultSchema.parse(r)).toEqual(r);
    expect(r.durationMs).toBeLessThanOrEqual(limits.checkBudgetMs + RESULT_SLACK_MS);
    expect(r.incomplete).toBe(false);
    // one probe per port, each with an outcome; port 25 always has at least one finding
    expect(r.probes.map((p) => p.port).sort((a, b) => a - b)).toEqual([25, 465, 587, 2525]);
    for (const p of r.probes) expect(p.timings.totalMs).toBeLessThanOrEqual(limits.probeBudgetMs + RESULT_SLACK_MS);
    expect(codesAt(name, 25).length).toBeGreaterThan(0);
    // the stored result is plain JSON text that survives a round trip
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });

  it('a server that never greets: timed out, "could not test"', () => {
    const p = probeOf('silent', 25);
    expect(p.outcome).toBe('io-timeout');
    expect(p.phase).toBe('greeting');
    expect(codesAt('silent', 25)).toContain('port.timeout');
    expect(resultOf('silent').findings.map((f) => f.code)).toContain('mx.untested');
  });

  it('a greeting dripped one byte per second: cut off at the greeting deadline', () => {
    const p = probeOf('drip', 25);
    expect(p.outcome).toBe('io-timeout');
    expect(p.phase).toBe('greeting');
    // The greeting deadline ended it (ETIMEDOUT), not the probe budget (PROBE_BUDGET) that a
    // deadline pushed back by each byte would have run into.
    expect(p.systemError).toBe('ETIMEDOUT');
    expect(p.timings.totalMs).toBeLessThanOrEqual(limits.probeBudgetMs + RESULT_SLACK_MS);
    expect(codesAt('drip', 25)).toContain('port.timeout');
  });

  it.each([
    ['endless-lines', /lines per reply|bytes per reply/],
    ['huge-line', /bytes per line/],
  ])('%s: flooding ends as reply-too-large', (name, limit) => {
    const p = probeOf(name, 25);
    expect(p.outcome).toBe('reply-too-large');
    expect(p.phase).toBe('greeting');
    expect(p.errorMessage).toMatch(limit);
    expect(codesAt(name, 25)).toContain('port.reply-too-large');
    // the transcript keeps a short excerpt, never the flood
    expect(JSON.stringify(p.transcript).length).toBeLessThan(64 * 1024);
  });

  it('NUL bytes and invalid UTF-8 in a greeting are kept visible, and the probe goes on', () => {
    const p = probeOf('nul', 25);
    expect(p.outcome).toBe('success');
    const line = p.greeting?.lines[0] ?? '';
    expect(line).toContain('\\x00');
    expect(line).not.toContain('\u0000');
    expect(JSON.stringify(resultOf('nul'))).not.toContain('\\u0000');
    expect(codesAt('nul', 25)).toContain('tls.ok');
  });

  it('binary garbage instead of a greeting is "not SMTP"', () => {
    const p = probeOf('binary', 25);
    expect(p.outcome).toBe('not-smtp');
    expect(codesAt('binary', 25)).toContain('port.not-smtp');
  });

  it('thousands of EHLO capabilities end as reply-too-large in the EHLO phase, greeting kept', () => {
    const p = probeOf('many-caps', 25);
    expect(p.outcome).toBe('reply-too-large');
    expect(p.phase).toBe('ehlo');
    expect(p.greeting?.code).toBe(220);
    expect(codesAt('many-caps', 25)).toContain('port.reply-too-large');
  });

  it('STARTTLS answered with garbage: the handshake fails', () => {
    const p = probeOf('tls-garbage', 25);
    expect(p.outcome).toBe('tls-handshake-failed');
    expect(codesAt('tls-garbage', 25)).toContain('tls.handshake-failed');
  });

  it('STARTTLS accepted, then the handshake stalls: a timeout in the TLS phase, reported', () => {
    const p = probeOf('tls-stall', 25);
    expect(p.outcome).toBe('io-timeout');
    expect(p.phase).toBe('tls');
    expect(p.starttlsReply?.code).toBe(220);
    expect(codesAt('tls-stall', 25)).toContain('port.stalled');
  });

  it('an enormous certificate chain is refused by the TLS client, on STARTTLS and on 465', () => {
    expect(bigChain.certs).toBe(200);
    expect(bigChain.bytes).toBeGreaterThan(2_000_000);
    for (const port of [25, 465] as const) {
      const p = probeOf('big-chain', port);
      expect(p.outcome).toBe('tls-handshake-failed');
      expect(p.errorMessage ?? '').toMatch(/excessive message size|message too long/i);
      expect(p.tls).toBeUndefined();
      expect(codesAt('big-chain', port)).toContain('tls.handshake-failed');
    }
  });

  it.each([
    ['reset-connect', 'greeting', 'port25.unreachable'],
    ['reset-greeting', 'greeting', 'port25.unreachable'],
    ['reset-ehlo', 'ehlo', 'port.connection-reset'],
    ['reset-starttls', 'starttls', 'port.connection-reset'],
    ['reset-ehlo-tls', 'ehlo-tls', 'port.connection-reset'],
  ] as const)('%s: a reset during %s is reported as %s', (name, phase, code) => {
    const p = probeOf(name, 25);
    expect(p.outcome).toBe('connection-reset');
    expect(p.phase).toBe(phase);
    expect(codesAt(name, 25)).toContain(code);
  });

  it('a reset on the ClientHello fails the handshake, after STARTTLS and on 465', () => {
    const starttls = probeOf('reset-tls', 25);
    expect(starttls.outcome).toBe('tls-handshake-failed');
    expect(starttls.systemError).toBe('ECONNRESET');
    expect(codesAt('reset-tls', 25)).toContain('tls.handshake-failed');
    const implicit = probeOf('reset-tls', 465);
    expect(implicit.outcome).toBe('tls-handshake-failed');
    expect(codesAt('reset-tls', 465)).toContain('tls.handshake-failed');
  });

  it('a reset on EHLO inside implicit TLS is a reset in the ehlo-tls phase', () => {
    const p = probeOf('reset-ehlo-tls', 465);
    expect(p.outcome).toBe('connection-reset');
    expect(p.phase).toBe('ehlo-tls');
    expect(p.tls?.trusted).toBe(true);
    expect(codesAt('reset-ehlo-tls', 465)).toContain('port.connection-reset');
  });
});

describe('memory stays bounded', () => {
  it('three rounds of every hostile server at once (floods of 10 MB and more) leave memory near its baseline', () => {
    const mb = (n: number) => Math.round(n / 1024 / 1024);
    console.log(`hostile rounds: RSS ${mb(memory.baselineRss)} → peak ${mb(memory.peakRss)} MB, heap ${mb(memory.heapBefore)} → ${mb(memory.heapAfter)} MB`);
    // Generous bounds: a reader that buffered a flood would grow by hundreds of MB (3 × 10 MB lines,
    // endless lines, 3 × several-MB chains); bounded readers stay within a few MB per connection.
    expect(mb(memory.peakRss - memory.baselineRss), 'peak RSS growth (MB)').toBeLessThan(150);
    expect(mb(memory.heapAfter - memory.heapBefore), 'heap growth (MB)').toBeLessThan(64);
  });
});
