/**
 * mxray against real Postfix postscreen: a "220-" line at once, then the greet wait
 * (postscreen_greet_wait), then smtpd's "220 " line; a client that speaks before the last line is
 * logged as PREGREET and, with postscreen_greet_action = enforce, refused. mxray must wait for the
 * whole greeting, get through, and leave no PREGREET in postscreen's log.
 */
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { CheckResult } from '@/lib/probe/schema';
import { capLines, check, codesAt, lab, logMark, postfixSessions, probeOf, waitForLog } from '@/tests/fixtures/interop/check';
import {
  DOMAINS,
  HOSTS,
  POSTSCREEN_GREET_WAIT_S,
  PREGREET_CLIENT_ADDRESS,
  postfixBanner,
  postscreenBanner,
} from '@/tests/fixtures/interop/plan';

const SERVICE = 'screen-25';
const screenLines = (log: string) => log.split('\n').filter((l) => l.includes(`postfix/${SERVICE}/postscreen[`));

/** One check of the postscreen domain with postscreen's log lines for it. */
async function checkThroughPostscreen(): Promise<{ result: CheckResult; lines: string[]; log: string }> {
  const mark = logMark(lab().postfixLog);
  const { result } = await check(DOMAINS.screen);
  // The session ends in smtpd, after postscreen handed it over.
  const log = await waitForLog(lab().postfixLog, mark, new RegExp(`postfix/${SERVICE}/smtpd\\[\\d+\\]: disconnect from`));
  return { result, lines: screenLines(log), log };
}

function expectPassedWithoutPregreet(all: string[]): void {
  // The control client's lines (its own source address) may still trickle in; they are not mxray's.
  const lines = all.filter((l) => !l.includes(`[${PREGREET_CLIENT_ADDRESS}]`));
  const connects = lines.filter((l) => / CONNECT from /.test(l));
  expect(connects).toHaveLength(1);
  const client = / CONNECT from (\[[^\]]+\]:\d+) to \[([^\]]+)\]:25$/.exec(connects[0] ?? '');
  expect(client?.[2]).toBe(HOSTS.screen.address);
  expect(lines.some((l) => l.endsWith(`PASS NEW ${client?.[1]}`))).toBe(true);
  expect(lines.filter((l) => /PREGREET|HANGUP|COMMAND|NON-SMTP|BARE NEWLINE|DISCONNECT/.test(l))).toEqual([]);
}

/** A client that talks as soon as it sees "220-", from its own address so its lines stand apart. */
function pregreet(): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: HOSTS.screen.address, port: 25, localAddress: PREGREET_CLIENT_ADDRESS });
    let seen = '';
    socket.setTimeout(15_000, () => socket.destroy(new Error('no 220- from postscreen')));
    socket.on('data', (chunk) => {
      if (!seen.includes('220-') && (seen += chunk.toString('latin1')).includes('220-')) {
        socket.write('EHLO pregreet.interop.test\r\n');
        // Leave before the greet wait ends: postscreen logs PREGREET when the wait is over.
        setTimeout(() => socket.end(), 200);
      }
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(seen));
  });
}

describe('postscreen in front of smtpd', () => {
  it('mxray waits through the greet pause, reads the multi-line greeting and gets through', async () => {
    const { result, lines, log } = await checkThroughPostscreen();
    const p = probeOf(result, HOSTS.screen.address, 25);
    expect(p).toMatchObject({ outcome: 'success', phase: 'done', encryption: 'starttls' });
    expect(p.greeting).toEqual({ code: 220, lines: [postscreenBanner(HOSTS.screen.name), postfixBanner(HOSTS.screen.name)] });
    expect(p.timings.greetingMs).toBeGreaterThanOrEqual(POSTSCREEN_GREET_WAIT_S * 1000);

    // Transcript: the "220-" line at once, the "220 " line after the pause, and only then EHLO.
    const s = p.transcript.filter((t) => t.dir === 's');
    const firstC = p.transcript.find((t) => t.dir === 'c');
    expect(s[0]?.text).toBe(`220-${postscreenBanner(HOSTS.screen.name)}`);
    expect(s[1]?.text).toBe(`220 ${postfixBanner(HOSTS.screen.name)}`);
    expect((s[1]?.t ?? 0) - (s[0]?.t ?? 0)).toBeGreaterThanOrEqual(POSTSCREEN_GREET_WAIT_S * 1000 - 100);
    expect(firstC?.text).toBe(`EHLO ${lab().env.PROBE_EHLO_NAME}`);
    expect(firstC?.t).toBeGreaterThanOrEqual(s[1]?.t ?? Infinity);

    expect(capLines(p.ehlo)).toContain('STARTTLS');
    expect(p.tls).toMatchObject({ trusted: true, hostnameMatch: true });
    expect(postfixSessions(log, SERVICE).disconnects).toEqual(['ehlo=2 starttls=1 mail=4 rcpt=0/4 rset=4 quit=1 commands=12/16']);

    expectPassedWithoutPregreet(lines);
    // The pause is deliberate and reported as such: info, not a failure.
    expect(codesAt(result, HOSTS.screen.address, 25)).toEqual(['greeting.slow', 'tls.ok']);
    const slow = result.findings.find((f) => f.code === 'greeting.slow');
    expect(slow?.severity).toBe('info');
    expect(Number(slow?.params?.seconds)).toBeGreaterThanOrEqual(POSTSCREEN_GREET_WAIT_S);
    expect(result.summary.verdict).toBe('info');
  });

  it('postscreen does flag a client that talks early (the control), and mxray still gets through after it', async () => {
    const mark = logMark(lab().postfixLog);
    const seen = await pregreet();
    expect(seen).toContain(`220-${postscreenBanner(HOSTS.screen.name)}`);
    const log = await waitForLog(lab().postfixLog, mark, new RegExp(`PREGREET \\d+ after \\S+ from \\[${PREGREET_CLIENT_ADDRESS.replace(/\./g, '\\.')}\\]`), 15_000);
    expect(screenLines(log).some((l) => l.includes('EHLO pregreet.interop.test'))).toBe(true);

    // Every connection is tested afresh (no postscreen cache): the pause and the 220- line again.
    const again = await checkThroughPostscreen();
    const p = probeOf(again.result, HOSTS.screen.address, 25);
    expect(p.outcome).toBe('success');
    expect(p.greeting?.lines).toHaveLength(2);
    expect(p.timings.greetingMs).toBeGreaterThanOrEqual(POSTSCREEN_GREET_WAIT_S * 1000);
    expectPassedWithoutPregreet(again.lines);
  });
});
