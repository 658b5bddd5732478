import { describe, expect, it } from 'vitest';
import type { PortProbe } from '@/lib/probe/schema';
import { describeProbe } from '@/lib/verdict/probe-view';
import { findingsForProbe } from '@/lib/verdict/probe-status';
import { SAMPLE_RESULT } from '@/tests/fixtures/sample-result';

const find = (address: string, port: number) => SAMPLE_RESULT.probes.find((p) => p.address === address && p.port === port)!;
const view = (address: string, port: number) => describeProbe(find(address, port), SAMPLE_RESULT.findings);

describe('describeProbe', () => {
  it('reads a clean STARTTLS session on 25 as OK, STARTTLS, TLS 1.3, downgrade possible', () => {
    const v = view('192.0.2.10', 25);
    expect(v).toMatchObject({ status: 'ok', reachable: true, headline: 'STARTTLS', tlsVersion: 'TLS 1.3', downgrade: 'possible' });
    expect(v.auth).toEqual({ mechanisms: [], beforeTls: false });
  });

  it('reads implicit TLS on 465 as no downgrade, AUTH only inside TLS', () => {
    const v = view('192.0.2.10', 465);
    expect(v).toMatchObject({ headline: 'Implicit TLS', downgrade: 'none', auth: { mechanisms: ['PLAIN', 'LOGIN'], beforeTls: false } });
  });

  it('flags AUTH offered before TLS on 587 and takes the critical finding as the cell status', () => {
    const v = view('192.0.2.10', 587);
    expect(v.auth?.beforeTls).toBe(true);
    expect(v.status).toBe('critical');
    // the certificate itself is fine: the TLS part passes beside the AUTH problem
    expect(v.findings.map((f) => f.code)).toEqual(['auth.before-tls', 'tls.ok']);
  });

  it('calls a refused port closed, a connect timeout untested, with the reason kept', () => {
    expect(view('192.0.2.10', 2525)).toMatchObject({ status: 'closed', reachable: false, headline: 'Refused', reason: 'ECONNREFUSED' });
    expect(view('198.51.100.20', 465)).toMatchObject({ status: 'untested', headline: 'Timed out', reason: 'ETIMEDOUT' });
    expect(view('2001:db8:1::20', 25)).toMatchObject({ status: 'untested', headline: 'Stopped answering', reason: 'during greeting · ETIMEDOUT' });
  });

  it('lets an expired certificate make a working STARTTLS port critical', () => {
    expect(view('198.51.100.20', 25).status).toBe('critical');
  });

  it('never reads a failed session without findings as OK', () => {
    const p: PortProbe = { ...find('192.0.2.10', 587), outcome: 'tls-handshake-failed', phase: 'tls', encryption: 'none', tls: undefined, ehloTls: undefined };
    const v = describeProbe(p, []);
    expect(v.status).toBe('warning');
    expect(v.headline).toBe('TLS handshake failed');
    expect(v.reason).toBe('during TLS handshake');
  });

  it('calls a policy-refused address "blocked", without a reason phase', () => {
    const { systemError: _refused, ...sample } = find('192.0.2.10', 2525);
    const p: PortProbe = { ...sample, outcome: 'blocked-target', phase: 'policy' };
    expect(describeProbe(p, [])).toMatchObject({ status: 'blocked', reason: undefined });
  });

  it('matches findings to the probe by host, address and port only', () => {
    const own = findingsForProbe(find('2001:db8::10', 587), SAMPLE_RESULT.findings);
    expect(own).toHaveLength(2);
    expect(own[0]).toMatchObject({ code: 'auth.before-tls', address: '2001:db8::10' });
    expect(own[1]).toMatchObject({ code: 'tls.ok', address: '2001:db8::10', port: 587 });
  });
});
