/**
 * The open relay test against fake mail servers on loopback (127.10.17.0/24, inside the probe
 * harness's block): open, closed, greylisting, percent-hack only, refused sender; in clear and
 * inside TLS; once per address through runCheck. Every test proves that DATA never went out.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createAddressPolicy } from '@/lib/probe/address-policy';
import { createResolver } from '@/lib/probe/dns/resolver';
import { runCheck } from '@/lib/probe/run-check';
import { CheckResultSchema, type CheckResult, type PortProbe } from '@/lib/probe/schema';
import type { RelayPlan } from '@/lib/probe/smtp/relay-test';
import { relayRows } from '@/lib/report/relay';
import { createTlsContext } from '@/lib/probe/tls/tls-context';
import { startDnsServer, type DnsServerHandle } from '@/tests/fixtures/dns-server';
import { RELAY_POLICIES } from '@/tests/fixtures/mail-commands';
import type { FakeSmtpHandle } from '@/tests/fixtures/smtp-server';
import { limits, probe, serve, transcriptText, useProbeHarness } from './probe-harness';

const harness = useProbeHarness();
const PLAN: RelayPlan = { test: true, testAddress: 'relay-test@example.com', ownDomain: 'relay.example.test' };
const NO_STARTTLS = ['PIPELINING', '8BITMIME'];

/** No DATA or BDAT ever reached the server, and every MAIL FROM was followed by RSET before QUIT. */
function expectNoMessage(server: FakeSmtpHandle): void {
  const verbs = server.verbs();
  expect(verbs.filter((v) => v === 'DATA' || v === 'BDAT')).toEqual([]);
  expect(verbs.filter((v) => v === 'MAIL').length).toBe(verbs.filter((v) => v === 'RSET').length);
  expect(verbs.length).toBeLessThanOrEqual(4 + 12); // EHLO, STARTTLS, EHLO, QUIT + at most 12
}

const mailVerbs = (server: FakeSmtpHandle) =>
  server.received.map((r) => r.line).filter((l) => /^(MAIL|RCPT|RSET|DATA|BDAT)\b/i.test(l));

async function relayProbe(address: string, policy: keyof typeof RELAY_POLICIES, ehlo?: string[]) {
  const server = await serve({ address, port: 25, mailCommands: RELAY_POLICIES[policy], ...(ehlo ? { ehlo } : {}) });
  const { result } = await probe(address, 25, { relay: PLAN });
  expectNoMessage(server);
  return { server, result };
}

describe('open relay test (fake servers)', () => {
  it('an open relay: the plain foreign RCPT is accepted, inside TLS, and the test stops there', async () => {
    const { server, result } = await relayProbe('127.10.17.1', 'open');
    expect(result.outcome).toBe('success');
    expect(result.encryption).toBe('starttls');
    expect(result.relay).toMatchObject({ status: 'open', reason: 'accepted', acceptedForm: 'plain', tls: true, sender: 'relay-test@example.com' });
    expect(result.relay?.attempts).toHaveLength(1);
    expect(mailVerbs(server)).toEqual(['MAIL FROM:<relay-test@example.com>', 'RCPT TO:<relay-test@example.com>', 'RSET']);
    // The whole conversation after STARTTLS happened inside TLS.
    expect(server.received.filter((r) => /^(MAIL|RCPT|RSET)/.test(r.line)).every((r) => r.tls)).toBe(true);
    expect(server.verbs().at(-1)).toBe('QUIT');
    expect(transcriptText(result)).toMatch(/c RCPT TO:<relay-test@example.com>\ns 250 2\.1\.5 Ok\nc RSET/);
  });

  it('a closed relay: every form refused with 5xx, twelve commands, then QUIT', async () => {
    const { server, result } = await relayProbe('127.10.17.2', 'closed');
    expect(result.relay).toMatchObject({ status: 'closed', reason: 'refused', tls: true });
    expect(result.relay?.attempts.map((a) => [a.form, a.recipient, a.verdict])).toEqual([
      ['plain', 'relay-test@example.com', 'rejected'],
      ['percent-hack', 'relay-test%example.com@relay.example.test', 'rejected'],
      ['bang-path', 'example.com!relay-test@relay.example.test', 'rejected'],
      ['quoted-local-part', '"relay-test@example.com"@relay.example.test', 'rejected'],
    ]);
    expect(mailVerbs(server)).toHaveLength(12);
    expect(server.verbs().at(-1)).toBe('QUIT');
  });

  it('greylisting (451 to RCPT) is "could not test", not closed', async () => {
    const { result } = await relayProbe('127.10.17.3', 'greylist');
    expect(result.relay).toMatchObject({ status: 'untested', reason: 'temporary' });
    expect(result.relay?.attempts.every((a) => a.verdict === 'temporary')).toBe(true);
    expect(result.outcome).toBe('success');
  });

  it('a server that takes only the percent hack is reported as open through that form, in clear without STARTTLS', async () => {
    const { server, result } = await relayProbe('127.10.17.4', 'percentOnly', NO_STARTTLS);
    expect(result.encryption).toBe('none');
    expect(result.relay).toMatchObject({ status: 'open', acceptedForm: 'percent-hack', tls: false });
    expect(result.relay?.attempts.map((a) => a.verdict)).toEqual(['rejected', 'accepted']);
    expect(mailVerbs(server)).toEqual([
      'MAIL FROM:<relay-test@example.com>',
      'RCPT TO:<relay-test@example.com>',
      'RSET',
      'MAIL FROM:<relay-test@example.com>',
      'RCPT TO:<relay-test%example.com@relay.example.test>',
      'RSET',
    ]);
    expect(server.received.every((r) => !r.tls)).toBe(true);
  });

  it('a refused MAIL FROM is "could not test": no RCPT is tried', async () => {
    const { server, result } = await relayProbe('127.10.17.5', 'senderRefused');
    expect(result.relay).toMatchObject({ status: 'untested', reason: 'mail-from-refused' });
    expect(server.verbs().filter((v) => v === 'RCPT')).toEqual([]);
  });

  it('a server that refuses MAIL FROM in clear (530 "STARTTLS first") is "could not test"', async () => {
    const server = await serve({ address: '127.10.17.6', port: 25, ehlo: NO_STARTTLS });
    const { result } = await probe('127.10.17.6', 25, { relay: PLAN });
    expect(result.relay).toMatchObject({ status: 'untested', reason: 'mail-from-refused' });
    expectNoMessage(server);
  });

  it('no relay plan, no mail command: probes without it never say MAIL, RCPT or RSET', async () => {
    const server = await serve({ address: '127.10.17.7', port: 25, mailCommands: RELAY_POLICIES.open });
    const { result } = await probe('127.10.17.7', 25);
    expect(result.relay).toBeUndefined();
    expect(mailVerbs(server)).toEqual([]);
  });

  it('a probe that ends before the test records "not reached"; host mode records "not tested"', async () => {
    await serve({ address: '127.10.17.8', port: 25, greeting: ['421 4.3.2 busy'], mailCommands: RELAY_POLICIES.open });
    const { result: busy } = await probe('127.10.17.8', 25, { relay: PLAN });
    expect(busy.relay).toMatchObject({ status: 'untested', reason: 'not-reached', attempts: [] });
    const server = await serve({ address: '127.10.17.9', port: 25, mailCommands: RELAY_POLICIES.open });
    const { result: host } = await probe('127.10.17.9', 25, { relay: { test: false, reason: 'host-mode' } });
    expect(host.relay).toMatchObject({ status: 'not-tested', reason: 'host-mode' });
    expect(mailVerbs(server)).toEqual([]);
  });
});

describe('open relay test in a whole check', () => {
  let dns: DnsServerHandle | undefined;
  afterEach(async () => {
    await dns?.close();
    dns = undefined;
  });

  async function check(domain: string, mode: 'domain' | 'host' = 'domain', relayTest?: boolean): Promise<CheckResult> {
    const gen = runCheck(
      { input: domain, mode, domain, displayDomain: domain, ...(relayTest ? { relayTest } : {}) },
      {
        resolver: createResolver({ servers: [dns!.servers], timeoutMs: 1_000, tries: 1 }),
        policy: createAddressPolicy({ allowCidrs: ['127.10.17.0/24'] }),
        tls: createTlsContext({ extraCaPem: harness.pki().caPem, extraCaFile: '' }),
        limits: { ...limits, checkBudgetMs: 20_000, dnsTimeoutMs: 1_000 },
        ehloName: 'probe.relay.test',
        relayTestAddress: 'probe@example.net',
      },
    );
    for (;;) {
      const next = await gen.next();
      if (next.done) return CheckResultSchema.parse(next.value);
    }
  }
  const relayProbes = (r: CheckResult): PortProbe[] => r.probes.filter((p) => p.relay);

  it('runs once per address even when two MX names share it, with the configured address, and finds the open relay', async () => {
    const open = await serve({ address: '127.10.17.20', port: 25, mailCommands: RELAY_POLICIES.open });
    const grey = await serve({ address: '127.10.17.21', port: 25, mailCommands: RELAY_POLICIES.greylist });
    dns = await startDnsServer([
      { name: 'shared.relay.test', type: 'MX', preference: 10, exchange: 'mx1.shared.relay.test' },
      { name: 'shared.relay.test', type: 'MX', preference: 20, exchange: 'mx2.shared.relay.test' },
      { name: 'mx1.shared.relay.test', type: 'A', address: '127.10.17.20' },
      { name: 'mx2.shared.relay.test', type: 'A', address: '127.10.17.20' },
      { name: 'mx2.shared.relay.test', type: 'A', address: '127.10.17.21' },
    ]);
    const result = await check('shared.relay.test');
    expect(relayProbes(result).map((p) => [p.address, p.relay?.status])).toEqual([
      ['127.10.17.20', 'open'],
      ['127.10.17.21', 'untested'],
    ]);
    // The shared address is tested once: one MAIL FROM, and the relay row names both MX hosts.
    expect(open.verbs().filter((v) => v === 'MAIL')).toHaveLength(1);
    expect(relayRows(result).map((r) => [r.address, r.hosts])).toEqual([
      ['127.10.17.20', ['mx1.shared.relay.test', 'mx2.shared.relay.test']],
      ['127.10.17.21', ['mx2.shared.relay.test']],
    ]);
    expect(open.received.find((r) => r.line.startsWith('MAIL'))?.line).toBe('MAIL FROM:<probe@example.net>');
    expect(mailVerbs(grey).filter((l) => l.startsWith('RCPT'))).toEqual([
      'RCPT TO:<probe@example.net>',
      'RCPT TO:<probe%example.net@shared.relay.test>',
      'RCPT TO:<example.net!probe@shared.relay.test>',
      'RCPT TO:<"probe@example.net"@shared.relay.test>',
    ]);
    expectNoMessage(open);
    expectNoMessage(grey);
    const relayFindings = result.findings.filter((f) => f.code.startsWith('relay.'));
    expect(relayFindings.map((f) => [f.code, f.address, f.severity, f.untested])).toEqual([
      ['relay.open', '127.10.17.20', 'critical', false],
      ['relay.untested', '127.10.17.21', 'info', true],
    ]);
    expect(result.summary.verdict).toBe('critical');
  });

  it('host mode skips the test with "not tested" unless asked for', async () => {
    const server = await serve({ address: '127.10.17.30', port: 25, mailCommands: RELAY_POLICIES.open });
    dns = await startDnsServer([{ name: 'smtp.relay.test', type: 'A', address: '127.10.17.30' }]);
    const skipped = await check('smtp.relay.test', 'host');
    expect(relayProbes(skipped).map((p) => p.relay?.status)).toEqual(['not-tested']);
    expect(skipped.findings.map((f) => f.code)).toContain('relay.not-tested');
    expect(server.verbs()).not.toContain('RCPT'); // (host mode sends MAIL FROM:<> before TLS: issue 12's check)
    const asked = await check('smtp.relay.test', 'host', true);
    expect(relayProbes(asked).map((p) => p.relay?.status)).toEqual(['open']);
    expect(asked.findings.map((f) => f.code)).toContain('relay.open');
    expectNoMessage(server);
  });
});
