/**
 * Decisions of the finding rules and the roll-up that a reviewer's hand-made mutations showed
 * nothing pinned: each test here failed against one such change (named in its comment).
 */
import { describe, expect, it } from 'vitest';
import { formatReport } from '@/cli/format-report';
import { evaluateFindings } from '@/lib/probe/findings/evaluate';
import { isUntestedOutcome } from '@/lib/verdict/probe-status';
import { summarize } from '@/lib/probe/findings/summarize';
import type { CheckMode, CheckResult, DnsResult, Port, PortProbe } from '@/lib/probe/schema';
import { dnsFor, probe, silentProbe, tls } from '@/tests/fixtures/probe-builders';

function resultOf(dns: DnsResult, probes: PortProbe[], mode: CheckMode = 'domain'): CheckResult {
  const findings = evaluateFindings({ mode, domain: 'example.test', dns, probes });
  const addresses = dns.hosts.reduce((n, h) => n + h.addresses.length, 0);
  return {
    schemaVersion: 1,
    target: { input: 'example.test', mode, domain: 'example.test', displayDomain: 'example.test' },
    startedAt: '2026-03-02T10:00:00.000Z',
    finishedAt: '2026-03-02T10:00:01.000Z',
    durationMs: 1000,
    ehloName: 'probe.mxray.test',
    dns,
    probes,
    findings,
    summary: summarize({ mode, probes, findings, hosts: dns.hosts.length, addresses }),
    incomplete: false,
  };
}

const portStatus = (r: CheckResult, port: Port) => r.summary.ports.find((p) => p.port === port)?.status;

/** The CLI's table line for one address: the cells of ports 25, 465, 587, 2525 in order. */
function cliRow(r: CheckResult, address: string): string {
  const line = formatReport(r, { color: false })
    .split('\n')
    .find((l) => l.trimStart().startsWith(address));
  if (!line) throw new Error(`no table row for ${address}`);
  return line.trim().slice(address.length).trim();
}

describe('a port whose worst finding is a warning', () => {
  // Mutation: probeStatus returning a worst finding only when it is 'critical'.
  const untrustedRelay = probe({ tls: tls({ trusted: false, trustReason: 'self-signed', verifyError: 'DEPTH_ZERO_SELF_SIGNED_CERT' }) });
  const r = resultOf(dnsFor({ 'mx.example.test': ['192.0.2.10'] }), [untrustedRelay]);

  it('is the premise: an untrusted certificate on 25 is exactly a warning', () => {
    expect(r.findings.filter((f) => f.port === 25).map((f) => `${f.code}:${f.severity}`)).toEqual(['cert.untrusted:warning']);
  });

  it('reads "warning" in the summary, not "ok", and the verdict says so', () => {
    expect(portStatus(r, 25)).toBe('warning');
    expect(r.summary.verdict).toBe('warning');
  });

  it('shows the warning mark in the CLI table, not the ok mark', () => {
    const row = cliRow(r, '192.0.2.10');
    expect(row.startsWith('▲')).toBe(true);
    expect(row).not.toContain('✔');
  });

  it('an info-only port reads "info", a clean one "ok"', () => {
    const slow = probe({ timings: { connectMs: 1, greetingMs: 6_000, totalMs: 6_100 } });
    expect(portStatus(resultOf(dnsFor({ 'mx.example.test': ['192.0.2.10'] }), [slow]), 25)).toBe('info');
    expect(portStatus(resultOf(dnsFor({ 'mx.example.test': ['192.0.2.10'] }), [probe()]), 25)).toBe('ok');
  });
});

describe('EHOSTDOWN is an answer from the far side', () => {
  // Mutation: dropping EHOSTDOWN from the remote 'unreachable' codes.
  const down = silentProbe('unreachable', { systemError: 'EHOSTDOWN' });
  const r = resultOf(dnsFor({ 'mx.example.test': ['192.0.2.10'] }), [down]);

  it('is a definitive result, not "could not test"', () => {
    expect(isUntestedOutcome(down)).toBe(false);
    expect(r.findings.map((f) => f.code)).toEqual(['mx.all-unreachable', 'port25.unreachable']);
    expect(r.findings.some((f) => f.untested)).toBe(false);
    // port25.unreachable is critical on the relay port: a definitive failure, not an unknown
    expect(portStatus(r, 25)).toBe('critical');
    expect(r.summary.verdict).toBe('critical');
  });

  it('unlike ENETUNREACH (no route from here), which is untested', () => {
    const noRoute = silentProbe('unreachable', { systemError: 'ENETUNREACH' });
    const r2 = resultOf(dnsFor({ 'mx.example.test': ['192.0.2.10'] }), [noRoute]);
    expect(isUntestedOutcome(noRoute)).toBe(true);
    expect(r2.findings.map((f) => f.code)).toEqual(['mx.untested', 'port.no-route']);
    expect(portStatus(r2, 25)).toBe('untested');
    expect(r2.summary.verdict).toBe('untested');
  });
});

describe('one MX refusing on 25 and another timing out', () => {
  // Mutation: "some probe was definitive" turned into "every probe was definitive".
  const dns = dnsFor({ 'mx1.example.test': ['192.0.2.10'], 'mx2.example.test': ['192.0.2.20'] });
  const refused = silentProbe('connection-refused', { host: 'mx1.example.test', address: '192.0.2.10', systemError: 'ECONNREFUSED' });
  const timedOut = silentProbe('connection-timeout', { host: 'mx2.example.test', address: '192.0.2.20', systemError: 'ETIMEDOUT' });

  it('rolls up to "no MX reachable" whatever the order', () => {
    for (const probes of [
      [refused, timedOut],
      [timedOut, refused],
    ]) {
      const r = resultOf(dns, probes);
      const domain = r.findings.filter((f) => f.scope === 'domain').map((f) => `${f.code}:${f.severity}`);
      expect(domain).toEqual(['mx.all-unreachable:critical']);
      expect(r.summary.verdict).toBe('critical');
    }
  });

  it('while two timeouts are "could not test"', () => {
    const other = { ...timedOut, host: 'mx1.example.test', address: '192.0.2.10' };
    const r = resultOf(dns, [other, timedOut]);
    expect(r.findings.filter((f) => f.scope === 'domain').map((f) => f.code)).toEqual(['mx.untested']);
    expect(r.summary.verdict).toBe('untested');
  });

  it('and one MX answering is enough: no domain finding at all', () => {
    const answering = probe({ host: 'mx2.example.test', address: '192.0.2.20' });
    const r = resultOf(dns, [refused, answering]);
    expect(r.findings.filter((f) => f.scope === 'domain')).toEqual([]);
  });
});

describe('rolling a port up over its addresses', () => {
  // Mutation: swapping the ranks of 'closed' and 'untested'.
  const dns = dnsFor({ 'mx.example.test': ['192.0.2.10', '192.0.2.11'] });
  const at = (address: string) => ({ port: 587 as const, address });
  const closed = silentProbe('connection-refused', { ...at('192.0.2.10'), systemError: 'ECONNREFUSED' });
  const untested = silentProbe('connection-timeout', { ...at('192.0.2.11'), systemError: 'ETIMEDOUT' });

  it('"untested" outranks "closed": one timeout means the port may be open', () => {
    for (const probes of [
      [closed, untested],
      [untested, closed],
    ]) {
      expect(portStatus(resultOf(dns, probes), 587)).toBe('untested');
    }
  });

  it('"closed" outranks "blocked", and any answer outranks both', () => {
    const blocked = silentProbe('blocked-target', at('192.0.2.11'));
    expect(portStatus(resultOf(dns, [blocked, closed]), 587)).toBe('closed');
    expect(portStatus(resultOf(dns, [closed, blocked]), 587)).toBe('closed');
    const ok = probe(at('192.0.2.11'));
    expect(portStatus(resultOf(dns, [untested, ok]), 587)).toBe('ok');
    expect(portStatus(resultOf(dns, [ok, closed]), 587)).toBe('ok');
  });

  it('a port nobody probed is "untested", not "blocked"', () => {
    expect(portStatus(resultOf(dns, [closed]), 465)).toBe('untested');
  });
});
