/**
 * Edges of the finding rules left unpinned by the first mutation run of evaluate.ts: which
 * outcomes are "could not test", reply codes read from smtpCode, parameters of the port
 * findings, relay-only severities, and the domain roll-up over several hosts.
 */
import { describe, expect, it } from 'vitest';
import { evaluateDomain, evaluateProbe } from '@/lib/probe/findings/evaluate';
import { isUntestedOutcome } from '@/lib/verdict/probe-status';
import type { DnsResult, PortProbe } from '@/lib/probe/schema';
import { cert, dnsFor, ehlo, probe, silentProbe, tls } from '@/tests/fixtures/probe-builders';

const noTls = { tls: undefined, ehloTls: undefined, encryption: 'none' as const };
const one = (p: PortProbe, mode: 'domain' | 'host' = 'domain') => evaluateProbe(p, mode).map((f) => [f.code, f.severity, f.params ?? null]);

describe('could-not-test outcomes', () => {
  it('are exactly the timeouts, busy, aborted, blocked and no route from here', () => {
    for (const o of ['connection-timeout', 'io-timeout', 'server-busy', 'aborted', 'blocked-target'] as const) {
      expect([o, isUntestedOutcome(silentProbe(o))]).toEqual([o, true]);
    }
    for (const o of ['connection-refused', 'connection-reset', 'success', 'greeting-rejected', 'not-smtp', 'tls-handshake-failed'] as const) {
      expect([o, isUntestedOutcome(silentProbe(o))]).toEqual([o, false]);
    }
    expect(isUntestedOutcome(silentProbe('unreachable'))).toBe(true);
  });
});

describe('busy replies', () => {
  const busy = (extra: Partial<PortProbe>, errorMessage?: string) =>
    one(probe({ outcome: 'server-busy', ...noTls, greeting: { code: 421, lines: ['greeting busy'] }, ...extra, ...(errorMessage !== undefined ? { errorMessage } : {}) }))[0];

  it('take the reply code that stopped the probe, else the greeting', () => {
    expect(busy({ smtpCode: 451 }, 'later')).toEqual(['port.busy', 'info', { code: 451, text: 'later' }]);
    // a system error is not a reply code: the greeting's reply is the one that said "busy"
    expect(busy({ systemError: 'ETIMEDOUT' }, 'later')).toEqual(['port.busy', 'info', { code: 421, text: 'greeting busy' }]);
    expect(busy({}, 'later')).toEqual(['port.busy', 'info', { code: 421, text: 'greeting busy' }]);
  });

  it('keep at most 160 characters of the reply text', () => {
    expect(busy({ smtpCode: 450 }, 'y'.repeat(300))?.[2]).toEqual({ code: 450, text: 'y'.repeat(160) });
    expect(busy({ smtpCode: 450 })?.[2]).toEqual({ code: 450, text: '' });
  });
});

describe('port finding parameters and relay-only severities', () => {
  it('no route from here names the port, the address and the code', () => {
    expect(one(silentProbe('unreachable', { systemError: 'ENETUNREACH' }))).toEqual([
      ['port.no-route', 'info', { port: 25, address: '192.0.2.10', code: 'ENETUNREACH' }],
    ]);
    expect(one(silentProbe('unreachable'))[0]?.[2]).toEqual({ port: 25, address: '192.0.2.10', code: 'unreachable' });
  });

  it('port 25 refused or unreachable on an MX says how', () => {
    expect(one(silentProbe('connection-refused'))).toEqual([['port25.unreachable', 'critical', { address: '192.0.2.10', reason: 'refused' }]]);
    expect(one(silentProbe('unreachable', { systemError: 'EHOSTUNREACH' }))).toEqual([
      ['port25.unreachable', 'critical', { address: '192.0.2.10', reason: 'unreachable' }],
    ]);
  });

  it('a rejected greeting or another protocol is critical only on port 25 of an MX', () => {
    const rejected = (port: 25 | 587, mode: 'domain' | 'host') =>
      one(probe({ port, outcome: 'greeting-rejected', ...noTls, greeting: { code: 554, lines: ['go away'] } }), mode)[0]?.[1];
    expect([rejected(25, 'domain'), rejected(25, 'host'), rejected(587, 'domain')]).toEqual(['critical', 'warning', 'warning']);
    const other = (port: 25 | 587, mode: 'domain' | 'host') => one(probe({ port, outcome: 'not-smtp', ...noTls }), mode)[0]?.[1];
    expect([other(25, 'domain'), other(25, 'host'), other(587, 'domain')]).toEqual(['critical', 'warning', 'warning']);
  });

  it('a submission port without STARTTLS names the port', () => {
    const p = probe({ port: 2525, ...noTls, ehlo: ehlo({ starttls: false }) });
    expect(one(p, 'host')).toEqual([['submission.no-starttls', 'critical', { port: 2525 }]]);
  });

  it('"no AUTH" is said only of a session that completed', () => {
    const stopped = probe({ port: 587, outcome: 'protocol-error', ehloTls: ehlo({ starttls: false }) });
    expect(one(stopped, 'host').map((f) => f[0])).not.toContain('submission.no-auth');
  });

  it('a not-yet-valid certificate is that finding alone, not also "untrusted"', () => {
    const p = probe({ tls: tls({ trusted: false, trustReason: 'not-yet-valid' }) });
    expect(one(p).map((f) => f[0])).toEqual(['cert.not-yet-valid']);
  });

  it('strips only the leading DNS: of each name in a mismatch', () => {
    const p = probe({ tls: tls({ hostnameMatch: false, chain: [cert({ subjectAltNames: ['DNS:a.test', 'URI:spiffe://DNS:b'] })] }) });
    expect(one(p)[0]?.[2]).toEqual({ host: 'mx.example.test', names: 'a.test, URI:spiffe://DNS:b' });
  });
});

describe('domain roll-up over several hosts', () => {
  const two = (second: Partial<DnsResult['hosts'][number]>): DnsResult => {
    const d = dnsFor({ 'mx1.example.test': ['192.0.2.10'], 'mx2.example.test': [] });
    return { ...d, hosts: [d.hosts[0]!, { ...d.hosts[1]!, ...second }] };
  };

  it('one host with an address whose probes timed out: could not test, whatever the other host', () => {
    const timedOut = silentProbe('connection-timeout', { host: 'mx1.example.test' });
    expect(evaluateDomain(two({}), [timedOut], 'domain').map((f) => f.code)).toEqual(['mx.untested']);
  });

  it('no addresses anywhere: unreachable only when every lookup answered', () => {
    const d = dnsFor({ 'mx1.example.test': [], 'mx2.example.test': [] });
    const failed = { ...d, hosts: [d.hosts[0]!, { ...d.hosts[1]!, a: { status: 'timeout' as const, ms: 1 } }] };
    expect(evaluateDomain(d, [], 'domain').map((f) => f.code)).toEqual(['mx.all-unreachable']);
    expect(evaluateDomain(failed, [], 'domain').map((f) => f.code)).toEqual(['mx.untested']);
  });
});
