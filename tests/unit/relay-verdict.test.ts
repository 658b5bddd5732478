import { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { evaluateRelay } from '@/lib/probe/findings/relay-findings';
import { planRelayTests } from '@/lib/probe/relay/plan-relay-tests';
import { rcptVerdict, relayRecipients, relayVerdict } from '@/lib/probe/relay/relay-verdict';
import type { PortProbe, RelayAttempt, RelayTest } from '@/lib/probe/schema';
import { ForbiddenCommandError, SmtpSession } from '@/lib/probe/smtp/smtp-session';
import { Transcript } from '@/lib/probe/smtp/transcript';
import { DEFAULT_LIMITS } from '@/lib/probe/types';

const reply = (code: number, text = 'x') => ({ code, lines: [text] });
const ok = reply(250, '2.1.0 Ok');
const attempt = (form: RelayAttempt['form'], verdict: RelayAttempt['verdict'], rcptCode?: number): RelayAttempt => ({
  form,
  recipient: `r-${form}`,
  mailFrom: ok,
  ...(rcptCode ? { rcpt: reply(rcptCode) } : {}),
  verdict,
});
const allRejected = (['plain', 'percent-hack', 'bang-path', 'quoted-local-part'] as const).map((f) => attempt(f, 'rejected', 554));

describe('RCPT verdict', () => {
  it('250 and 251 accept the foreign recipient; 5xx refuses; 4xx is temporary; anything else is unexpected', () => {
    expect(rcptVerdict(reply(250))).toBe('accepted');
    expect(rcptVerdict(reply(251))).toBe('accepted');
    expect(rcptVerdict(reply(550))).toBe('rejected');
    expect(rcptVerdict(reply(554))).toBe('rejected');
    expect(rcptVerdict(reply(451))).toBe('temporary');
    expect(rcptVerdict(reply(421))).toBe('temporary');
    expect(rcptVerdict(reply(252))).toBe('unexpected');
    expect(rcptVerdict(reply(354))).toBe('unexpected');
  });
});

describe('relay verdict over the attempts', () => {
  it('is open as soon as one form was accepted, naming that form', () => {
    expect(relayVerdict([attempt('plain', 'accepted', 250)], 4)).toEqual({ status: 'open', reason: 'accepted', acceptedForm: 'plain' });
    const bypass = [attempt('plain', 'rejected', 554), attempt('percent-hack', 'accepted', 250)];
    expect(relayVerdict(bypass, 4)).toEqual({ status: 'open', reason: 'accepted', acceptedForm: 'percent-hack' });
  });

  it('is closed only when every planned form got a 5xx', () => {
    expect(relayVerdict(allRejected, 4)).toEqual({ status: 'closed', reason: 'refused' });
    expect(relayVerdict(allRejected.slice(0, 3), 4).status).toBe('untested');
    expect(relayVerdict([], 4).status).toBe('untested');
  });

  it('greylisting, a refused MAIL FROM, silence and odd codes are "could not test", never closed', () => {
    expect(relayVerdict([attempt('plain', 'temporary', 451), ...allRejected.slice(1)], 4)).toEqual({ status: 'untested', reason: 'temporary' });
    expect(relayVerdict([{ form: 'plain', recipient: 'r', mailFrom: reply(550), verdict: 'mail-from-refused' }], 4)).toEqual({
      status: 'untested',
      reason: 'mail-from-refused',
    });
    expect(relayVerdict([allRejected[0]!, { form: 'percent-hack', recipient: 'r', verdict: 'no-answer' }], 4)).toEqual({
      status: 'untested',
      reason: 'no-answer',
    });
    expect(relayVerdict([attempt('plain', 'unexpected', 252)], 4).reason).toBe('unexpected-reply');
  });
});

describe('recipient forms', () => {
  it('tries the plain foreign address, then the percent hack, bang path and quoted forms at the served domain', () => {
    expect(relayRecipients('relay-test@example.com', 'good.test')).toEqual([
      { form: 'plain', recipient: 'relay-test@example.com' },
      { form: 'percent-hack', recipient: 'relay-test%example.com@good.test' },
      { form: 'bang-path', recipient: 'example.com!relay-test@good.test' },
      { form: 'quoted-local-part', recipient: '"relay-test@example.com"@good.test' },
    ]);
  });
});

describe('which probe carries the relay test', () => {
  const plan = [
    { host: 'mx1.test', address: '192.0.2.1', port: 25 },
    { host: 'mx1.test', address: '192.0.2.1', port: 587 },
    { host: 'mx1.test', address: '2001:db8::1', port: 25 },
    // the same addresses again under another MX name, written differently
    { host: 'mx2.test', address: '192.0.2.1', port: 25 },
    { host: 'mx2.test', address: '2001:DB8:0::1', port: 25 },
    { host: 'mx2.test', address: '192.0.2.2', port: 465 },
  ];

  it('the first port 25 probe of each address, once per address whatever the MX name', () => {
    const plans = planRelayTests(plan, { mode: 'domain', domain: 'good.test' }, 'probe@example.net');
    expect([...plans.keys()]).toEqual([0, 2]);
    expect(plans.get(0)).toEqual({ test: true, testAddress: 'probe@example.net', ownDomain: 'good.test' });
  });

  it('host mode records "not tested" unless the check asked for the test', () => {
    const skipped = planRelayTests(plan, { mode: 'host', domain: 'smtp.good.test' });
    expect([...skipped.values()]).toEqual([
      { test: false, reason: 'host-mode' },
      { test: false, reason: 'host-mode' },
    ]);
    const asked = planRelayTests(plan, { mode: 'host', domain: 'smtp.good.test', relayTest: true });
    expect(asked.get(0)).toEqual({ test: true, testAddress: 'relay-test@example.com', ownDomain: 'smtp.good.test' });
  });
});

describe('relay findings', () => {
  const probeWith = (relay: RelayTest): PortProbe => ({
    host: 'mx.test',
    address: '192.0.2.1',
    family: 4,
    port: 25,
    outcome: 'success',
    phase: 'done',
    timings: { totalMs: 1 },
    encryption: 'starttls',
    transcript: [],
    transcriptTruncated: false,
    relay,
  });
  const codes = (relay: RelayTest) => evaluateRelay([probeWith(relay)]).map((f) => `${f.code}:${f.severity}:${f.untested}`);

  it('open is critical, the bypass form named; closed is ok; inconclusive and host mode are untested info', () => {
    const base = { tls: true, sender: 'relay-test@example.com' };
    expect(codes({ ...base, status: 'open', reason: 'accepted', acceptedForm: 'plain', attempts: [attempt('plain', 'accepted', 250)] })).toEqual([
      'relay.open:critical:false',
    ]);
    const bypass = evaluateRelay([
      probeWith({ ...base, status: 'open', reason: 'accepted', acceptedForm: 'percent-hack', attempts: [attempt('percent-hack', 'accepted', 250)] }),
    ]);
    expect(bypass[0]).toMatchObject({ code: 'relay.open-bypass', severity: 'critical', scope: 'address', params: { form: 'percent-hack', recipient: 'r-percent-hack' } });
    expect(codes({ ...base, status: 'closed', reason: 'refused', attempts: allRejected })).toEqual(['relay.closed:ok:false']);
    const grey = evaluateRelay([probeWith({ ...base, status: 'untested', reason: 'temporary', attempts: [attempt('plain', 'temporary', 451)] })]);
    expect(grey[0]).toMatchObject({ code: 'relay.untested', severity: 'info', untested: true, params: { reason: 'temporary', reply: ': 451 x' } });
    expect(codes({ tls: false, status: 'not-tested', reason: 'host-mode', attempts: [] })).toEqual(['relay.not-tested:info:true']);
    expect(codes({ tls: false, status: 'untested', reason: 'not-reached', attempts: [] })).toEqual([]);
  });
});

describe('the SMTP session never sends a message', () => {
  const session = () => {
    const socket = new Socket();
    const written: string[] = [];
    socket.write = ((chunk: string) => written.push(String(chunk)) > 0) as typeof socket.write;
    const transcript = new Transcript(50, () => 0);
    return { s: new SmtpSession(socket, DEFAULT_LIMITS, transcript), written, transcript, socket };
  };

  it.each(['DATA', 'data', ' DATA', 'DATA\tx', 'BDAT 100 LAST', 'bdat 0'])('refuses to write %j, before touching the socket', (line) => {
    const { s, written, transcript, socket } = session();
    expect(() => s.send(line)).toThrow(ForbiddenCommandError);
    expect(written).toEqual([]);
    expect(transcript.entries).toEqual([]);
    socket.destroy();
  });

  it('refuses a line that would smuggle a second command', () => {
    const { s, written, socket } = session();
    expect(() => s.send('RCPT TO:<a@example.com>\r\nDATA')).toThrow(ForbiddenCommandError);
    expect(() => s.send('RSET\nDATA')).toThrow(ForbiddenCommandError);
    expect(() => s.send('NOOP\0')).toThrow('a command line may not contain CR, LF or NUL');
    expect(written).toEqual([]);
    socket.destroy();
  });

  it('says which verb it refused, upper-cased, and why', () => {
    const { s, socket } = session();
    expect(() => s.send(' bdat 0 LAST')).toThrow('mxray never sends BDAT: no message may ever be transmitted');
    expect(() => s.send('data')).toThrow('mxray never sends DATA: no message may ever be transmitted');
    socket.destroy();
  });
});
