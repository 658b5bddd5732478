/**
 * A hostile zone against the engine's DNS fan-out caps: 100 MX hosts × 50 A records each, served
 * by a loopback DNS server on 127.0.0.1; the addresses are in 127.111.0.0/16, where nothing
 * listens (probes end refused at once). Before the caps, one such check asked 8,162 questions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAddressPolicy } from '@/lib/probe/address-policy';
import { createResolver } from '@/lib/probe/dns/resolver';
import { runCheck } from '@/lib/probe/run-check';
import type { CheckEvent, CheckResult } from '@/lib/probe/schema';
import { createTlsContext } from '@/lib/probe/tls/tls-context';
import { DEFAULT_LIMITS, type ProbeLimits } from '@/lib/probe/types';
import { startDnsServer, type DnsServerHandle, type ZoneRecord } from '@/tests/fixtures/dns-server';

const DOMAIN = 'sprawl.fanout.test';
let dns: DnsServerHandle;

beforeAll(async () => {
  const records: ZoneRecord[] = [];
  for (let h = 0; h < 100; h++) {
    const name = `mx${h}.${DOMAIN}`;
    records.push({ name: DOMAIN, type: 'MX', preference: h, exchange: name });
    for (let a = 0; a < 50; a++) records.push({ name, type: 'A', address: `127.111.${h}.${a + 1}` });
  }
  dns = await startDnsServer(records);
});
afterAll(async () => {
  await dns?.close();
});

// The transport-security policy's TXT lookups (_mta-sts, _smtp._tls: issue 12) are a fixed two per
// check, and DNSSEC asks again, with the DO bit, for the MX set and each probed host's A, AAAA and
// TLSA records. All of them go through the same per-check question budget as the fan-out.
const POLICY_TXT = 2;
const DNSSEC = 1 + 10 * 3;
const isPolicy = (q: { name: string; type: string }) => q.type === 'TXT' && /^(_mta-sts|_smtp\._tls)\./i.test(q.name);

async function check(limits: ProbeLimits): Promise<{ result: CheckResult; questions: number; policyQuestions: number }> {
  const before = dns.queries.length;
  const gen = runCheck(
    { input: DOMAIN, mode: 'domain', domain: DOMAIN, displayDomain: DOMAIN },
    {
      resolver: createResolver({ servers: [dns.servers], timeoutMs: 2_000, tries: 1 }),
      policy: createAddressPolicy({ allowCidrs: ['127.111.0.0/16'] }),
      tls: createTlsContext({ extraCaPem: '', extraCaFile: '' }),
      limits,
      ehloName: 'probe.fanout.test',
    },
  );
  let next: IteratorResult<CheckEvent, CheckResult>;
  do next = await gen.next();
  while (!next.done);
  // Every question arrives over UDP first (a truncated answer is asked again over TCP): count those.
  const udp = dns.queries.slice(before).filter((q) => q.transport === 'udp');
  return { result: next.value, questions: udp.filter((q) => !isPolicy(q)).length, policyQuestions: udp.filter(isPolicy).length };
}

const limits: ProbeLimits = { ...DEFAULT_LIMITS, connectTimeoutMs: 1_000, dnsTimeoutMs: 2_000, checkBudgetMs: 60_000 };

describe('DNS fan-out of a hostile zone (100 MX × 50 A)', () => {
  it('resolves only the MX hosts and addresses it will probe, well within the question budget', async () => {
    const { result, questions, policyQuestions } = await check(limits);
    // 1 MX + 10 hosts × (CNAME + A + AAAA) + 40 addresses × PTR (NXDOMAIN: no forward confirmation),
    // then the DNSSEC questions for what is probed (the 90 hosts over the cap are never asked about)
    expect(questions).toBe(1 + 30 + 40 + DNSSEC);
    expect(policyQuestions).toBe(POLICY_TXT);
    expect(questions + policyQuestions).toBeLessThanOrEqual(DEFAULT_LIMITS.maxDnsQuestions!);
    expect(result.dns.hosts).toHaveLength(10);
    expect(result.dns.hosts.every((h) => h.addresses.length === 4)).toBe(true);
    expect(result.dns.truncated).toMatchObject({ hosts: 90, addresses: 10 * 46, questionsRefused: 0 });
    expect(result.probes).toHaveLength(10 * 4 * 4);
    expect(result.findings.find((f) => f.code === 'check.truncated')?.params).toMatchObject({ skipped: 90 + 460 });
    // ended on its own, not by running out of its budget
    expect(result.incomplete).toBe(false);
  });

  it('stops asking once the per-check question budget is spent, and says so', async () => {
    const { result, questions, policyQuestions } = await check({ ...limits, maxDnsQuestions: 30 });
    // One budget for every question of the check: the fan-out spends it, so the policy records and
    // DNSSEC are not asked at all, and say so (lookups ended by the question limit).
    expect(questions + policyQuestions).toBe(30);
    expect(policyQuestions).toBe(0);
    expect(result.dns.truncated).toMatchObject({ questions: 30 });
    expect(result.dns.truncated!.questionsRefused).toBeGreaterThan(0);
    expect(result.policy?.mtaSts?.lookup).toMatchObject({ status: 'error', errorCode: 'EQUESTIONLIMIT' });
    expect(result.policy?.dnssec?.mx).toMatchObject({ status: 'unknown', errorCode: 'EQUESTIONLIMIT' });
    const f = result.findings.find((x) => x.code === 'dns.question-limit');
    expect(f).toMatchObject({ severity: 'info', untested: true, params: { max: 30, asked: 30 } });
    expect(Number(f?.params?.refused)).toBeGreaterThan(result.dns.truncated!.questionsRefused);
    expect(result.incomplete).toBe(false);
  });
});
