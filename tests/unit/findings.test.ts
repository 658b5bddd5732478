import { describe, expect, it } from 'vitest';
import { evaluateFindings } from '@/lib/probe/findings/evaluate';
import { summarize } from '@/lib/probe/findings/summarize';
import { statusInResult as probeStatus } from '@/lib/verdict/probe-status';
import { FINDINGS, findingText } from '@/lib/probe/findings/catalogue';
import type { DnsResult, PortProbe, CheckMode } from '@/lib/probe/schema';
import { cert, ehlo, probe, tls } from '@/tests/fixtures/probe-builders';

const dns = (over: Partial<DnsResult> = {}): DnsResult => ({
  mx: { status: 'ok', ms: 1, records: [{ exchange: 'mx.example.test', preference: 10 }] },
  mxKind: 'explicit',
  hosts: [
    {
      name: 'mx.example.test',
      preference: 10,
      a: { status: 'ok', ms: 1 },
      aaaa: { status: 'nodata', ms: 1 },
      addresses: [
        {
          address: '192.0.2.10',
          family: 4,
          policy: { allowed: true },
          ptr: { lookup: { status: 'ok', ms: 1 }, names: ['mx.example.test'], forwardConfirmed: true },
        },
      ],
    },
  ],
  servers: ['127.0.0.1:53'],
  ...over,
});

function codes(probes: PortProbe[], d: DnsResult = dns(), mode: CheckMode = 'domain') {
  return evaluateFindings({ mode, domain: 'example.test', dns: d, probes }).map((f) => `${f.code}:${f.severity}`);
}

describe('finding rules', () => {
  it('a clean STARTTLS relay yields only ok findings', () => {
    expect(codes([probe()])).toEqual(['tls.ok:ok']);
  });

  it('port 25 without STARTTLS is critical', () => {
    const p = probe({ ehlo: ehlo({ starttls: false }), tls: undefined, ehloTls: undefined, encryption: 'none' });
    expect(codes([p])).toContain('port25.no-starttls:critical');
  });

  it('AUTH offered before TLS is flagged on any port, with the mechanisms', () => {
    const p = probe({ port: 587, ehlo: ehlo({ auth: ['PLAIN', 'LOGIN'] }) });
    const f = evaluateFindings({ mode: 'host', domain: 'x.test', dns: dns({ mxKind: 'host' }), probes: [p] });
    const auth = f.find((x) => x.code === 'auth.before-tls');
    expect(auth?.severity).toBe('critical');
    expect(auth?.params?.mechanisms).toBe('PLAIN LOGIN');
  });

  it('587 and 2525 without STARTTLS are critical submission findings', () => {
    for (const port of [587, 2525] as const) {
      const p = probe({ port, ehlo: ehlo({ starttls: false }), tls: undefined, ehloTls: undefined, encryption: 'none' });
      expect(codes([p])).toContain('submission.no-starttls:critical');
    }
  });

  it('465 answering in plaintext is critical', () => {
    const p = probe({ port: 465, outcome: 'plaintext-on-implicit-port', tls: undefined, ehloTls: undefined, encryption: 'none' });
    expect(codes([p])).toContain('port465.not-implicit-tls:critical');
  });

  it('certificate problems: expired, expiring, not yet valid, weak key, mismatch', () => {
    expect(codes([probe({ tls: tls({ trusted: false, trustReason: 'expired', chain: [cert({ daysLeft: -3 })] }) })])).toContain('cert.expired:critical');
    expect(codes([probe({ tls: tls({ chain: [cert({ daysLeft: 14 })] }) })])).toContain('cert.expiring-soon:warning');
    expect(codes([probe({ tls: tls({ chain: [cert({ daysLeft: 15 })] }) })])).not.toContain('cert.expiring-soon:warning');
    expect(codes([probe({ tls: tls({ trusted: false, trustReason: 'not-yet-valid' }) })])).toContain('cert.not-yet-valid:critical');
    expect(codes([probe({ tls: tls({ chain: [cert({ keyType: 'rsa', keyBits: 1024 })] }) })])).toContain('cert.weak-key:critical');
    expect(codes([probe({ tls: tls({ chain: [cert({ keyType: 'rsa', keyBits: 2048 })] }) })])).not.toContain('cert.weak-key:critical');
    expect(codes([probe({ tls: tls({ hostnameMatch: false }) })])).toContain('cert.hostname-mismatch:warning');
  });

  it('an untrusted chain is a warning on the relay port and critical on submission', () => {
    const bad = tls({ trusted: false, trustReason: 'self-signed' });
    expect(codes([probe({ tls: bad })])).toContain('cert.untrusted:warning');
    expect(codes([probe({ port: 587, tls: bad })])).toContain('cert.untrusted:critical');
  });

  it('TLS below 1.2 is flagged (RFC 8996)', () => {
    expect(codes([probe({ tls: tls({ version: 'TLSv1.1' }) })])).toContain('tls.deprecated-version:warning');
    expect(codes([probe({ tls: tls({ version: 'TLSv1.2' }) })])).not.toContain('tls.deprecated-version:warning');
  });

  it('a greeting slower than 5 s is noted', () => {
    expect(codes([probe({ timings: { greetingMs: 6200, totalMs: 7000 } })])).toContain('greeting.slow:info');
    expect(codes([probe({ timings: { greetingMs: 4900, totalMs: 7000 } })])).not.toContain('greeting.slow:info');
  });

  it('421 and timeouts are "could not test", never failures', () => {
    const busy = probe({ outcome: 'server-busy', phase: 'greeting', greeting: { code: 421, lines: ['busy'] }, ehlo: undefined, tls: undefined, ehloTls: undefined, encryption: 'unknown' });
    const slow = probe({ outcome: 'connection-timeout', phase: 'connect', greeting: undefined, ehlo: undefined, tls: undefined, ehloTls: undefined, encryption: 'unknown' });
    const f = evaluateFindings({ mode: 'domain', domain: 'example.test', dns: dns(), probes: [busy, slow] });
    expect(f.map((x) => x.code).sort()).toEqual(['mx.untested', 'port.busy', 'port.timeout']);
    expect(f.every((x) => x.untested)).toBe(true);
    const s = summarize({ mode: 'domain', probes: [busy, slow], findings: f, hosts: 1, addresses: 1 });
    expect(s.verdict).toBe('untested');
    expect(probeStatus(busy, f)).toBe('untested');
  });

  it('port 25 refused on every MX address means no MX is reachable', () => {
    const refused = probe({ outcome: 'connection-refused', phase: 'connect', greeting: undefined, ehlo: undefined, tls: undefined, ehloTls: undefined, encryption: 'unknown' });
    const f = codes([refused]);
    expect(f).toContain('port25.unreachable:critical');
    expect(f).toContain('mx.all-unreachable:critical');
  });

  it('refused submission ports on an MX are not problems', () => {
    const refused = probe({ port: 587, outcome: 'connection-refused', phase: 'connect', greeting: undefined, ehlo: undefined, tls: undefined, ehloTls: undefined, encryption: 'unknown' });
    expect(codes([probe(), refused])).toEqual(['tls.ok:ok']);
  });

  it('DNS findings: PTR missing and not forward-confirmed, MX without address, blocked address', () => {
    const d = dns();
    const host = d.hosts[0]!;
    host.addresses[0]!.ptr = { lookup: { status: 'nxdomain', ms: 1 }, names: [], forwardConfirmed: null };
    host.addresses.push({
      address: '10.0.0.1',
      family: 4,
      policy: { allowed: false, range: 'private' },
      ptr: { lookup: { status: 'ok', ms: 1 }, names: ['other.example.test'], forwardConfirmed: false },
    });
    d.hosts.push({ name: 'mx2.example.test', preference: 20, a: { status: 'nodata', ms: 1 }, aaaa: { status: 'nodata', ms: 1 }, addresses: [] });
    const f = codes([probe()], d);
    expect(f).toEqual(expect.arrayContaining(['ptr.missing:warning', 'ptr.not-forward-confirmed:warning', 'mx.no-address:critical', 'address.blocked-target:warning']));
  });

  it('null MX, NXDOMAIN, SERVFAIL and DNS timeout are told apart', () => {
    const none = (status: DnsResult['mx']['status']): DnsResult => dns({ mx: { status, ms: 1, records: [] }, mxKind: 'none', hosts: [] });
    expect(codes([], dns({ mxKind: 'null', hosts: [] }))).toEqual(['mx.null:info']);
    expect(codes([], none('nxdomain'))).toEqual(['dns.nxdomain:critical']);
    expect(codes([], none('servfail'))).toEqual(['dns.servfail:critical']);
    expect(codes([], none('timeout'))).toEqual(['dns.timeout:info']);
    expect(codes([], none('nodata'))).toEqual(['mx.none:critical']);
  });

  it('every finding code has a title, explanation and fix', () => {
    for (const [code, def] of Object.entries(FINDINGS)) {
      expect(def.title, code).not.toBe('');
      expect(def.explanation, code).not.toBe('');
      expect(def.fix, code).not.toBe('');
    }
    expect(findingText('cert.weak-key', { bits: 1024 }).explanation).toContain('1024 bits');
  });
});

describe('summary', () => {
  it('the worst finding decides the verdict and each port reads as measured', () => {
    const p25 = probe();
    const p465 = probe({ port: 465 });
    const p587 = probe({ port: 587, ehlo: ehlo({ auth: ['PLAIN'] }) });
    const p2525 = probe({ port: 2525, outcome: 'connection-refused', phase: 'connect', greeting: undefined, ehlo: undefined, tls: undefined, ehloTls: undefined, encryption: 'unknown' });
    const probes = [p25, p465, p587, p2525];
    const findings = evaluateFindings({ mode: 'domain', domain: 'example.test', dns: dns(), probes });
    const s = summarize({ mode: 'domain', probes, findings, hosts: 1, addresses: 1 });
    expect(s.verdict).toBe('critical');
    const byPort = Object.fromEntries(s.ports.map((x) => [x.port, x]));
    expect(byPort[25]).toMatchObject({ role: 'relay', encryption: 'starttls', downgradeRisk: 'possible', status: 'ok' });
    expect(byPort[465]).toMatchObject({ encryption: 'implicit-tls', downgradeRisk: 'none', auth: 'offered', authBeforeTls: false });
    expect(byPort[587]).toMatchObject({ authBeforeTls: true, status: 'critical' });
    expect(byPort[2525]).toMatchObject({ status: 'closed', answered: 0, encryption: 'unknown' });
    expect(s.recommendation.mailClient).toMatchObject({ port: 465, reason: 'rec.client.465' });
    expect(s.recommendation.application).toMatchObject({ port: 587, reason: 'rec.app.587' });
  });

  it('recommends nothing when no submission port offers TLS with AUTH', () => {
    const probes = [probe()];
    const findings = evaluateFindings({ mode: 'domain', domain: 'example.test', dns: dns(), probes });
    const s = summarize({ mode: 'domain', probes, findings, hosts: 1, addresses: 1 });
    expect(s.verdict).toBe('ok');
    expect(s.recommendation.mailClient).toMatchObject({ port: null, reason: 'rec.none-mx' });
  });
});

describe('recommendation', () => {
  it('does not recommend a submission port whose certificate fails verification', () => {
    const p587 = probe({ port: 587, tls: tls({ hostnameMatch: false }) });
    const probes = [probe(), p587];
    const findings = evaluateFindings({ mode: 'domain', domain: 'example.test', dns: dns(), probes });
    const s = summarize({ mode: 'domain', probes, findings, hosts: 1, addresses: 1 });
    expect(s.recommendation.application).toEqual({ port: null, reason: 'rec.none-trusted' });
  });
});
