/**
 * runCheck end to end on loopback (127.41.0.0/16): the event stream's order and shape, the check
 * budget against a tarpit, and cancellation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAddressPolicy } from '@/lib/probe/address-policy';
import { createResolver } from '@/lib/probe/dns/resolver';
import { runCheck, type CheckDeps } from '@/lib/probe/run-check';
import { CheckEventSchema, type CheckEvent, type CheckResult } from '@/lib/probe/schema';
import { createTlsContext } from '@/lib/probe/tls/tls-context';
import { DEFAULT_LIMITS } from '@/lib/probe/types';
import { reverseName, startDnsServer, type DnsServerHandle } from '@/tests/fixtures/dns-server';
import { startMailLab, type MailLab } from '@/tests/fixtures/mail-lab';
import { startFakeSmtp, type FakeSmtpHandle } from '@/tests/fixtures/smtp-server';

let lab: MailLab;
let tarpitDns: DnsServerHandle;
let tarpit: FakeSmtpHandle;

/** How far past its budget a loaded machine may end a check; far below any deadline the budget cuts. */
const BUDGET_SLACK_MS = 3_000;
const limits = { ...DEFAULT_LIMITS, connectTimeoutMs: 1_000, greetingTimeoutMs: 2_000, commandTimeoutMs: 2_000, tlsTimeoutMs: 2_000, dnsTimeoutMs: 1_000 };

function deps(servers: string, over: Partial<CheckDeps> = {}): CheckDeps {
  return {
    resolver: createResolver({ servers: [servers], timeoutMs: 1_000, tries: 1 }),
    policy: createAddressPolicy({ allowCidrs: ['127.41.0.0/16'] }),
    tls: createTlsContext({ extraCaPem: lab.pki.caPem, extraCaFile: '' }),
    limits,
    ehloName: 'probe.run-check.test',
    ...over,
  };
}

async function collect(gen: AsyncGenerator<CheckEvent, CheckResult, void>): Promise<{ events: CheckEvent[]; result: CheckResult }> {
  const events: CheckEvent[] = [];
  for (;;) {
    const next = await gen.next();
    if (next.done) return { events, result: next.value };
    events.push(CheckEventSchema.parse(next.value));
  }
}

const target = (domain: string) => ({ input: domain, mode: 'domain' as const, domain, displayDomain: domain });

beforeAll(async () => {
  lab = await startMailLab({ block: 41, suffix: 'run.test' });
  tarpit = await startFakeSmtp({ address: '127.41.9.1', port: 25, behaviour: 'tarpit', tarpitByteMs: 200 });
  tarpitDns = await startDnsServer([
    { name: 'tarpit.run.test', type: 'MX', preference: 10, exchange: 'mx.tarpit.run.test' },
    { name: 'mx.tarpit.run.test', type: 'A', address: '127.41.9.1' },
    { name: reverseName('127.41.9.1'), type: 'PTR', target: 'mx.tarpit.run.test' },
  ]);
});
afterAll(async () => {
  await tarpit?.close();
  await tarpitDns?.close();
  await lab?.close();
});

describe('runCheck', () => {
  it('streams events in stage order and ends with the result', async () => {
    const { events, result } = await collect(runCheck(target(lab.domains.good), deps(lab.dns.servers)));
    const types = events.map((e) => e.type);
    expect(types.slice(0, 3)).toEqual(['check-started', 'dns-done', 'probes-planned']);
    expect(types.at(-1)).toBe('check-done');
    expect(types.filter((t) => t === 'check-done')).toHaveLength(1);

    const planned = events.find((e) => e.type === 'probes-planned');
    expect(planned?.type === 'probes-planned' && planned.probes.length).toBe(2 * 4);
    expect(types.filter((t) => t === 'probe-done')).toHaveLength(8);

    // Per probe: connected → greeting → EHLO → TLS → EHLO in TLS → done (port 25 on mx1).
    const mine = events.filter((e) => 'address' in e && e.address === '127.41.1.1' && 'port' in e && e.port === 25).map((e) => e.type);
    expect(mine).toEqual(['probe-connected', 'probe-greeting', 'probe-ehlo', 'probe-tls', 'probe-ehlo']);
    const doneIdx = events.findIndex((e) => e.type === 'probe-done' && e.probe.address === '127.41.1.1' && e.probe.port === 25);
    const lastStage = events.findLastIndex((e) => 'address' in e && e.address === '127.41.1.1' && 'port' in e && e.port === 25);
    expect(doneIdx).toBeGreaterThan(lastStage);

    const done = events.at(-1);
    expect(done?.type === 'check-done' && done.result).toEqual(result);
    expect(result.incomplete).toBe(false);
    expect(result.summary.verdict).toBe('ok');
  });

  it('a tarpit ends as "could not test" within the check budget', async () => {
    const budget = { ...limits, checkBudgetMs: 6_000 };
    const { result } = await collect(runCheck(target('tarpit.run.test'), deps(tarpitDns.servers, { limits: budget })));
    const p25 = result.probes.find((p) => p.port === 25);
    expect(p25).toMatchObject({ outcome: 'io-timeout', phase: 'greeting' });
    expect(result.findings.map((f) => f.code)).toEqual(expect.arrayContaining(['port.timeout', 'mx.untested']));
    expect(result.summary.verdict).toBe('untested');
    // The engine's own budget bounds the check (measured by the engine, not by the test). The
    // slack is generous: the bound catches a check that runs on, not a slow machine.
    expect(result.durationMs).toBeLessThanOrEqual(budget.checkBudgetMs + BUDGET_SLACK_MS);
  });

  it('a budget shorter than the tarpit ends the check early, marked incomplete', async () => {
    const tight = { ...limits, greetingTimeoutMs: 20_000, probeBudgetMs: 20_000, checkBudgetMs: 1_500 };
    const { result } = await collect(runCheck(target('tarpit.run.test'), deps(tarpitDns.servers, { limits: tight })));
    expect(result.incomplete).toBe(true);
    expect(result.probes.find((p) => p.port === 25)?.outcome).toBe('aborted');
    // Far below the 20 s greeting deadline that would end it without the check budget.
    expect(result.durationMs).toBeLessThanOrEqual(tight.checkBudgetMs + BUDGET_SLACK_MS);
  });

  it('a cancelled check stops at once and still returns a result', async () => {
    const ac = new AbortController();
    const gen = runCheck(target('tarpit.run.test'), deps(tarpitDns.servers, { limits: { ...limits, greetingTimeoutMs: 20_000, probeBudgetMs: 20_000 } }), ac.signal);
    const events: CheckEvent[] = [];
    let result: CheckResult | undefined;
    for (;;) {
      const next = await gen.next();
      if (next.done) {
        result = next.value;
        break;
      }
      events.push(next.value);
      if (next.value.type === 'probe-connected') ac.abort();
    }
    expect(result.incomplete).toBe(true);
    expect(events.at(-1)?.type).toBe('check-done');
  });
});

describe('runCheck fan-out caps', () => {
  it('probes at most maxHosts hosts and reports the rest', async () => {
    const capped = { ...limits, maxHosts: 1 };
    const { result } = await collect(runCheck(target(lab.domains.good), deps(lab.dns.servers, { limits: capped })));
    expect(new Set(result.probes.map((p) => p.host))).toEqual(new Set(['mx1.good.run.test']));
    expect(result.dns.hosts).toHaveLength(2);
    expect(result.findings.find((f) => f.code === 'check.truncated')?.params).toMatchObject({ skipped: 1, maxHosts: 1 });
  });
});
