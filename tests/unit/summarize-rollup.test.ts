/**
 * The summary's roll-up, field by field: per-port encryption (the weakest seen), AUTH, downgrade
 * risk, roles and counts; the verdict (worst decisive finding, "untested" only when nothing was
 * tested); and the port recommended to mail clients and applications.
 */
import { describe, expect, it } from 'vitest';
import { evaluateFindings } from '@/lib/probe/findings/evaluate';
import { summarize } from '@/lib/probe/findings/summarize';
import { probeStatus } from '@/lib/verdict/probe-status';
import { worstSeverity } from '@/lib/verdict/severity';
import type { CheckMode, Finding, Port, PortProbe, Summary } from '@/lib/probe/schema';
import { dnsFor, ehlo, probe, silentProbe, tls } from '@/tests/fixtures/probe-builders';

function summaryOf(probes: PortProbe[], mode: CheckMode = 'host', findings?: Finding[]): Summary {
  const dns = mode === 'host' ? { ...dnsFor({ 'mx.example.test': ['192.0.2.10', '192.0.2.11'] }), mxKind: 'host' as const } : dnsFor({ 'mx.example.test': ['192.0.2.10', '192.0.2.11'] });
  const f = findings ?? evaluateFindings({ mode, domain: 'mx.example.test', dns, probes });
  return summarize({ mode, probes, findings: f, hosts: 1, addresses: 2 });
}
const port = (s: Summary, p: Port) => s.ports.find((x) => x.port === p)!;
const at = (address: string, p: Port, over: Partial<PortProbe> = {}) => probe({ address, port: p, ...over });

describe('worstSeverity', () => {
  it('ranks ok < info < warning < critical, and is null for nothing (the summary reads that as ok)', () => {
    expect(worstSeverity([])).toBeNull();
    expect(summaryOf([]).severity).toBe('ok');
    expect(worstSeverity(['info', 'ok'])).toBe('info');
    expect(worstSeverity(['info', 'warning', 'ok'])).toBe('warning');
    expect(worstSeverity(['critical', 'warning', 'info'])).toBe('critical');
    expect(worstSeverity(['warning', 'critical'])).toBe('critical');
  });
});

describe('port summary', () => {
  const plain = (address: string, p: Port) => at(address, p, { tls: undefined, ehloTls: undefined, ehlo: ehlo({ starttls: false }), encryption: 'none' });
  const implicit = (address: string) => at(address, 465);

  it('takes the weakest encryption any address offered: none < unknown < STARTTLS < implicit TLS', () => {
    expect(port(summaryOf([at('192.0.2.10', 587), plain('192.0.2.11', 587)]), 587)).toMatchObject({ encryption: 'none', downgradeRisk: 'plaintext' });
    expect(port(summaryOf([at('192.0.2.10', 587), at('192.0.2.11', 587, { encryption: 'unknown' })]), 587)).toMatchObject({ encryption: 'unknown', downgradeRisk: 'unknown' });
    expect(port(summaryOf([implicit('192.0.2.10'), at('192.0.2.11', 465, { encryption: 'starttls' })]), 465)).toMatchObject({ encryption: 'starttls', downgradeRisk: 'possible' });
    expect(port(summaryOf([implicit('192.0.2.10'), implicit('192.0.2.11')]), 465)).toMatchObject({ encryption: 'implicit-tls', downgradeRisk: 'none' });
  });

  it('only addresses that answered count for encryption and AUTH', () => {
    const s = summaryOf([at('192.0.2.10', 587), silentProbe('connection-refused', { address: '192.0.2.11', port: 587 })]);
    expect(port(s, 587)).toMatchObject({ answered: 1, probed: 2, encryption: 'starttls', auth: 'offered' });
    const none = summaryOf([silentProbe('connection-refused', { address: '192.0.2.10', port: 2525 })]);
    expect(port(none, 2525)).toMatchObject({ answered: 0, probed: 1, encryption: 'unknown', auth: 'unknown', downgradeRisk: 'unknown', status: 'closed' });
  });

  it('AUTH counts when offered before or after TLS, and "before TLS" only from its finding', () => {
    const after = summaryOf([at('192.0.2.10', 587)]);
    expect(port(after, 587)).toMatchObject({ auth: 'offered', authBeforeTls: false });
    const before = summaryOf([at('192.0.2.10', 587, { ehlo: ehlo({ auth: ['PLAIN'] }), ehloTls: ehlo({ starttls: false }) })]);
    expect(port(before, 587)).toMatchObject({ auth: 'offered', authBeforeTls: true });
    const never = summaryOf([at('192.0.2.10', 587, { ehloTls: ehlo({ starttls: false }) })]);
    expect(port(never, 587)).toMatchObject({ auth: 'not-offered', authBeforeTls: false });
    // the finding of another port does not count
    expect(port(before, 465).authBeforeTls).toBe(false);
  });

  it('names each port’s role and counts probes and answers', () => {
    const s = summaryOf([at('192.0.2.10', 25), at('192.0.2.10', 465), at('192.0.2.10', 587), silentProbe('connection-timeout', { port: 2525 })]);
    expect(s.ports.map((p) => [p.port, p.role])).toEqual([
      [25, 'relay'],
      [465, 'submission'],
      [587, 'submission'],
      [2525, 'submission-alt'],
    ]);
    expect(s.counts).toEqual({ hosts: 1, addresses: 2, probes: 4, answered: 3 });
  });
});

describe('verdict', () => {
  it('is the worst decisive finding; untested findings alone make it "untested"', () => {
    expect(summaryOf([at('192.0.2.10', 25)], 'domain').verdict).toBe('ok');
    const timeout = silentProbe('connection-timeout', { port: 25 });
    const s = summaryOf([timeout], 'domain');
    expect(s.verdict).toBe('untested');
    expect(s.severity).toBe('info');
  });

  it('a tested port with an info finding beside an untested one reads "info", not "untested"', () => {
    const slow = at('192.0.2.10', 25, { timings: { connectMs: 1, greetingMs: 6_000, totalMs: 6_100 } });
    const s = summaryOf([slow, silentProbe('connection-timeout', { address: '192.0.2.11', port: 25 })], 'domain');
    expect(s.verdict).toBe('info');
  });

  it('a 421 greeting answers but tests nothing', () => {
    const busy = at('192.0.2.10', 25, { outcome: 'server-busy', greeting: { code: 421, lines: ['busy'] }, tls: undefined, ehlo: undefined, ehloTls: undefined, encryption: 'unknown' });
    expect(summaryOf([busy], 'domain').verdict).toBe('untested');
  });

  it('an untested warning or critical does not decide the verdict, a decisive one does', () => {
    const untestedCritical: Finding = { code: 'port.timeout', severity: 'critical', untested: true, scope: 'port', host: 'mx.example.test', address: '192.0.2.10', port: 25 };
    expect(summaryOf([at('192.0.2.10', 25)], 'domain', [untestedCritical]).verdict).toBe('ok');
    expect(summaryOf([at('192.0.2.10', 25)], 'domain', [untestedCritical]).severity).toBe('critical');
    const decisive: Finding = { ...untestedCritical, code: 'cert.expired', untested: false, severity: 'warning' };
    expect(summaryOf([at('192.0.2.10', 25)], 'domain', [decisive]).verdict).toBe('warning');
  });
});

describe('recommendation', () => {
  const rec = (probes: PortProbe[], mode: CheckMode = 'host') => summaryOf(probes, mode).recommendation;

  it('mail clients: 465 first, then 587, then 2525; applications: 587 first', () => {
    const all = [at('192.0.2.10', 465), at('192.0.2.10', 587), at('192.0.2.10', 2525)];
    expect(rec(all)).toEqual({
      mailClient: { port: 465, encryption: 'implicit-tls', reason: 'rec.client.465' },
      application: { port: 587, encryption: 'starttls', reason: 'rec.app.587' },
    });
    expect(rec([at('192.0.2.10', 2525), at('192.0.2.10', 587)]).mailClient).toEqual({ port: 587, encryption: 'starttls', reason: 'rec.client.587' });
    expect(rec([at('192.0.2.10', 2525), at('192.0.2.10', 465)]).application).toEqual({ port: 465, encryption: 'implicit-tls', reason: 'rec.app.465' });
    expect(rec([at('192.0.2.10', 2525)]).application).toEqual({ port: 2525, encryption: 'starttls', reason: 'rec.app.2525' });
  });

  it('a port is usable only after TLS succeeded and AUTH was offered', () => {
    const noTls = at('192.0.2.10', 587, { tls: undefined, ehloTls: undefined, ehlo: ehlo({ auth: ['PLAIN'] }), encryption: 'none' });
    const noAuth = at('192.0.2.10', 465, { ehloTls: ehlo({ starttls: false }) });
    const failed = at('192.0.2.10', 2525, { outcome: 'command-rejected' });
    expect(rec([noTls, noAuth, failed]).mailClient).toEqual({ port: null, reason: 'rec.none' });
  });

  it('AUTH seen only before TLS still makes a TLS port usable', () => {
    const p = at('192.0.2.10', 587, { ehloTls: undefined, ehlo: ehlo({ auth: ['PLAIN'] }) });
    expect(rec([p]).application.port).toBe(587);
  });

  it('skips a port whose certificate fails, and says so when none is trusted', () => {
    const untrusted465 = at('192.0.2.10', 465, { tls: tls({ trusted: false, trustReason: 'self-signed' }) });
    const mismatch587 = at('192.0.2.10', 587, { tls: tls({ hostnameMatch: false }) });
    expect(rec([untrusted465, at('192.0.2.10', 587)]).mailClient.port).toBe(587);
    expect(rec([untrusted465, mismatch587]).mailClient).toEqual({ port: null, reason: 'rec.none-trusted' });
    // one trusted address is enough
    expect(rec([untrusted465, at('192.0.2.11', 465)]).mailClient.port).toBe(465);
    // an unknown name match (null) is not a failure
    expect(rec([at('192.0.2.10', 465, { tls: tls({ hostnameMatch: null }) })]).mailClient.port).toBe(465);
  });

  it('nothing usable: untested when every submission probe went untested, else by mode', () => {
    const t = (p: Port) => silentProbe('connection-timeout', { port: p });
    expect(rec([t(465), t(587)]).mailClient).toEqual({ port: null, reason: 'rec.none-untested' });
    expect(rec([t(465), silentProbe('connection-refused', { port: 587 })]).mailClient).toEqual({ port: null, reason: 'rec.none' });
    expect(rec([at('192.0.2.10', 25), silentProbe('connection-refused', { port: 587 })], 'domain').mailClient).toEqual({ port: null, reason: 'rec.none-mx' });
    // port 25 alone is not a submission probe: nothing was untested
    expect(rec([silentProbe('connection-timeout', { port: 25 })], 'domain').mailClient).toEqual({ port: null, reason: 'rec.none-mx' });
  });
});

describe('probe status precedence (probeStatus through the port summary)', () => {
  const portOf = (probes: PortProbe[], findings: Finding[], p: Port = 25) =>
    port(summarize({ mode: 'domain', probes, findings, hosts: 1, addresses: 2 }), p).status;
  const f = (over: Partial<Finding>): Finding => ({ code: 'greeting.slow', severity: 'info', untested: false, scope: 'port', host: 'mx.example.test', address: '192.0.2.10', port: 25, ...over });

  it('only the probe’s own port findings count: same host, address and port, port scope', () => {
    const p = probe();
    const critical = { severity: 'critical' as const, code: 'cert.expired' as const };
    expect(portOf([p], [f({ ...critical, address: '192.0.2.11' })])).toBe('ok');
    expect(portOf([p], [f({ ...critical, port: 587 })])).toBe('ok');
    expect(portOf([p], [f({ ...critical, host: 'other.example.test' })])).toBe('ok');
    expect(portOf([p], [f({ ...critical, scope: 'address', port: undefined })])).toBe('ok');
    expect(portOf([p], [f({ ...critical, scope: 'address' })])).toBe('ok');
    expect(portOf([p], [f(critical)])).toBe('critical');
  });

  it('an answer without findings is ok; no answer and no findings is closed, never ok', () => {
    expect(portOf([probe()], [])).toBe('ok');
    expect(portOf([silentProbe('connection-reset')], [])).toBe('closed');
  });

  it('refused stays closed even beside an info finding; blocked is blocked', () => {
    expect(portOf([silentProbe('connection-refused')], [f({})])).toBe('closed');
    expect(portOf([silentProbe('unreachable', { systemError: 'EHOSTUNREACH' })], [f({})])).toBe('closed');
    expect(portOf([silentProbe('blocked-target')], [])).toBe('blocked');
    // the CLI reads a probe's own status too, not only the roll-up (which starts at 'blocked')
    expect(probeStatus(silentProbe('blocked-target'), [])).toBe('blocked');
  });

  it('an untested probe stays untested even when the TLS seen before it stopped was fine', () => {
    const abortedAfterTls = probe({ port: 465, outcome: 'aborted' });
    const tlsOk = f({ code: 'tls.ok', severity: 'ok', port: 465 });
    expect(portOf([abortedAfterTls], [tlsOk], 465)).toBe('untested');
  });

  it('AUTH offered by one answering address is "offered"', () => {
    const withAuth = probe({ port: 587 });
    const without = probe({ port: 587, address: '192.0.2.11', ehloTls: ehlo({ starttls: false }) });
    expect(port(summaryOf([without, withAuth]), 587).auth).toBe('offered');
  });

  it('a TLS port without any EHLO is not usable (and does not break the recommendation)', () => {
    const bare = probe({ port: 465, ehlo: undefined, ehloTls: undefined });
    expect(summaryOf([bare]).recommendation.mailClient).toEqual({ port: null, reason: 'rec.none' });
  });
});

describe('verdict when nothing was tested', () => {
  const timedOut = silentProbe('connection-timeout');
  const untested: Finding = { code: 'port.timeout', severity: 'info', untested: true, scope: 'port', host: 'mx.example.test', address: '192.0.2.10', port: 25 };
  const verdictOf = (findings: Finding[]) => summarize({ mode: 'domain', probes: [timedOut], findings, hosts: 1, addresses: 1 }).verdict;

  it('a decisive warning or critical still decides it', () => {
    const ptr: Finding = { code: 'ptr.missing', severity: 'warning', untested: false, scope: 'address', host: 'mx.example.test', address: '192.0.2.10' };
    expect(verdictOf([untested, ptr])).toBe('warning');
    expect(verdictOf([untested, { ...ptr, severity: 'critical' }])).toBe('critical');
  });

  it('a decisive info beside untested findings is "untested": nothing about the servers was learnt', () => {
    const info: Finding = { code: 'mx.implicit', severity: 'info', untested: false, scope: 'domain' };
    expect(verdictOf([untested, info])).toBe('untested');
    expect(verdictOf([info])).toBe('info');
  });
});
