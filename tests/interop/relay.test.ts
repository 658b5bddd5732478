/**
 * The open relay test against real servers: a Postfix configured as an open relay for loopback
 * clients (mynetworks too wide) whose mail cannot leave (no qmgr, every transport error:), and the
 * lab's Postfix and Exim that refuse relaying. Each server's own log proves what was said — never
 * DATA — and both queues stay empty.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CheckResult } from '@/lib/probe/schema';
import { check, lab, logMark, postfixSessions, probeOf, waitForLog } from '@/tests/fixtures/interop/check';
import { DOMAINS, HOSTS, RUN_DIR } from '@/tests/fixtures/interop/plan';

/** Every file under a queue or spool directory: a message that was accepted would be one. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

/** Postfix's message queues (not its pid/ or public/ sockets) and Exim's spool input. */
const POSTFIX_QUEUES = ['incoming', 'active', 'deferred', 'hold', 'maildrop', 'corrupt'];
const queuedFiles = () => [
  ...POSTFIX_QUEUES.flatMap((q) => filesUnder(join(lab().postfixQueue, q))),
  ...filesUnder(join(RUN_DIR, 'exim', 'spool', 'input')),
];

/** Postfix removes the queue file of an aborted transaction asynchronously (cleanup sees EOF). */
async function expectQueuesEmpty(): Promise<void> {
  const until = Date.now() + 5_000;
  while (queuedFiles().length > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
  expect(queuedFiles()).toEqual([]);
}

describe('open relay: real Postfix with mynetworks = 127.0.0.0/8', () => {
  let result: CheckResult;
  let log: string;

  beforeAll(async () => {
    const mark = logMark(lab().postfixLog);
    result = (await check(DOMAINS.openRelay)).result;
    log = await waitForLog(lab().postfixLog, mark, /postfix\/openRelay-25\/smtpd\[\d+\]: disconnect from/);
  });

  it('is reported as an open relay, critical, with the plain foreign recipient accepted inside TLS', () => {
    const p = probeOf(result, HOSTS.openRelay.address, 25);
    expect(p).toMatchObject({ outcome: 'success', encryption: 'starttls' });
    expect(p.relay).toMatchObject({ status: 'open', reason: 'accepted', acceptedForm: 'plain', tls: true, sender: 'relay-test@example.com' });
    expect(p.relay?.attempts[0]?.rcpt?.code).toBe(250);
    const f = result.findings.find((x) => x.code === 'relay.open');
    expect(f).toMatchObject({ severity: 'critical', untested: false, scope: 'address', address: HOSTS.openRelay.address });
    expect(result.summary.verdict).toBe('critical');
  });

  it('Postfix logged MAIL, RCPT and RSET and never DATA; the queue stays empty', async () => {
    expect(postfixSessions(log, 'openRelay-25').disconnects).toEqual(['ehlo=2 starttls=1 mail=1 rcpt=1 rset=1 quit=1 commands=7']);
    expect(log).not.toMatch(/ data=| message-id=|qmgr/);
    await expectQueuesEmpty();
  });
});

describe('closed relays: the lab Postfix (smtpd_relay_restrictions = reject) and Exim (+relay_from_hosts)', () => {
  let result: CheckResult;
  let postfixLog: string;
  let eximLog: string;

  beforeAll(async () => {
    const pm = logMark(lab().postfixLog);
    const em = logMark(lab().eximLog);
    result = (await check(DOMAINS.good)).result;
    postfixLog = await waitForLog(lab().postfixLog, pm, /postfix\/mx1-25\/smtpd\[\d+\]: disconnect from/);
    eximLog = await waitForLog(lab().eximLog, em, (t) => (t.match(/ closed by QUIT/g) ?? []).length >= 3);
  });

  it('both MX addresses are reported closed after the plain form and all three bypasses were refused', () => {
    for (const address of [HOSTS.mx1.address, HOSTS.mx2.address]) {
      const relay = probeOf(result, address, 25).relay;
      expect(relay, address).toMatchObject({ status: 'closed', reason: 'refused', tls: true });
      expect(relay?.attempts.map((a) => [a.form, a.verdict, Math.floor((a.rcpt?.code ?? 0) / 100)])).toEqual([
        ['plain', 'rejected', 5],
        ['percent-hack', 'rejected', 5],
        ['bang-path', 'rejected', 5],
        ['quoted-local-part', 'rejected', 5],
      ]);
    }
    expect(result.findings.filter((f) => f.code.startsWith('relay.')).map((f) => [f.code, f.address])).toEqual([
      ['relay.closed', HOSTS.mx1.address],
      ['relay.closed', HOSTS.mx2.address],
    ]);
    // The relay test runs on port 25 only: the submission ports saw no MAIL at all.
    expect(result.probes.filter((p) => p.port !== 25).some((p) => p.relay)).toBe(false);
  });

  it('Postfix and Exim logged four refused RCPTs each, never DATA, and nothing was queued', async () => {
    expect(postfixSessions(postfixLog, 'mx1-25').disconnects).toEqual(['ehlo=2 starttls=1 mail=4 rcpt=0/4 rset=4 quit=1 commands=12/16']);
    expect(postfixLog).not.toMatch(/ data=| message-id=/);
    expect(eximLog.match(/ rejected RCPT <[^>]+>: relay not permitted/g)).toHaveLength(4);
    expect(eximLog).not.toMatch(/ <= |DATA/);
    await expectQueuesEmpty();
  });
});
