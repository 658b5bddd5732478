/**
 * STARTTLS required before a mail transaction (fake servers on 127.112.200.0/24): on submission
 * ports, and on 25 in host mode, the probe sends MAIL FROM:<> in clear after EHLO, then RSET, then
 * carries on with STARTTLS. Never RCPT or DATA; never on 25 in domain mode.
 */
import { describe, expect, it } from 'vitest';
import { createAddressPolicy } from '@/lib/probe/address-policy';
import { evaluateMailBeforeTls } from '@/lib/probe/findings/evaluate-transport';
import { expectPolite, probe, serve, useProbeHarness } from './probe-harness';

useProbeHarness();
const policy = createAddressPolicy({ allowCidrs: ['127.112.200.0/24'] });
const SUBMISSION_EHLO = ['PIPELINING', 'STARTTLS', 'ENHANCEDSTATUSCODES'];

describe('MAIL FROM before STARTTLS', () => {
  it('a 587 that accepts MAIL in clear is critical; the probe RSETs and still completes STARTTLS', async () => {
    const server = await serve({ address: '127.112.200.1', port: 587, ehlo: SUBMISSION_EHLO, mailBeforeTls: 'accept' });
    const { result } = await probe('127.112.200.1', 587, { policy });
    expect(result.outcome).toBe('success');
    expect(result.encryption).toBe('starttls');
    expect(result.mailBeforeTls).toMatchObject({ accepted: true, reply: { code: 250 } });
    expect(server.verbs()).toEqual(['EHLO', 'MAIL', 'RSET', 'STARTTLS', 'EHLO', 'QUIT']);
    expectPolite(server);
    const [f] = evaluateMailBeforeTls([result]);
    expect(f).toMatchObject({ code: 'submission.mail-before-tls', severity: 'critical', port: 587, params: { code: 250 } });
  });

  it('a 2525 answering 530 5.7.0 requires TLS first (good)', async () => {
    const server = await serve({ address: '127.112.200.2', port: 2525, ehlo: SUBMISSION_EHLO });
    const { result } = await probe('127.112.200.2', 2525, { policy });
    expect(result.mailBeforeTls).toMatchObject({ accepted: false, reply: { code: 530, enhanced: '5.7.0' } });
    expect(result.outcome).toBe('success');
    expectPolite(server);
    expect(evaluateMailBeforeTls([result]).map((f) => f.code)).toEqual(['submission.tls-required']);
  });

  it('port 25 is asked in host mode only: a relay must accept mail in clear from other MTAs', async () => {
    const server = await serve({ address: '127.112.200.3', port: 25, mailBeforeTls: 'accept' });
    const domainMode = await probe('127.112.200.3', 25, { policy, mode: 'domain' });
    expect(domainMode.result.mailBeforeTls).toBeUndefined();
    expect(server.verbs()).toEqual(['EHLO', 'STARTTLS', 'EHLO', 'QUIT']);
    const hostMode = await probe('127.112.200.3', 25, { policy, mode: 'host' });
    expect(hostMode.result.mailBeforeTls?.accepted).toBe(true);
    expectPolite(server);
  });

  it('no MAIL is sent when the port offers no STARTTLS (the missing STARTTLS is the finding)', async () => {
    const server = await serve({ address: '127.112.200.4', port: 587, ehlo: ['PIPELINING'] });
    const { result } = await probe('127.112.200.4', 587, { policy });
    expect(result.mailBeforeTls).toBeUndefined();
    expect(server.verbs()).toEqual(['EHLO', 'QUIT']);
  });
});
