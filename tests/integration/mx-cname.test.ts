/**
 * An MX target that is an alias (CNAME) on loopback (127.112.210.0/24): reported as a warning with
 * the alias and its target, probed under the MX name, certificates matched against the MX name.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAddressPolicy } from '@/lib/probe/address-policy';
import { createResolver } from '@/lib/probe/dns/resolver';
import { runCheck } from '@/lib/probe/run-check';
import { CheckResultSchema, type CheckResult } from '@/lib/probe/schema';
import { createTlsContext } from '@/lib/probe/tls/tls-context';
import { DEFAULT_LIMITS } from '@/lib/probe/types';
import { startDnsServer, type DnsServerHandle } from '@/tests/fixtures/dns-server';
import { createTestPki, type TestPki } from '@/tests/fixtures/pki';
import { startFakeSmtp, type FakeSmtpHandle } from '@/tests/fixtures/smtp-server';

const limits = { ...DEFAULT_LIMITS, connectTimeoutMs: 1_000, greetingTimeoutMs: 2_000, commandTimeoutMs: 2_000, tlsTimeoutMs: 2_000, dnsTimeoutMs: 1_000 };
let dns: DnsServerHandle;
let pki: TestPki;
let smtp: FakeSmtpHandle;

beforeAll(async () => {
  // The certificate names the MX name only, not the alias target.
  pki = await createTestPki({ hosts: ['mx.alias.test'] });
  smtp = await startFakeSmtp({ address: '127.112.210.1', port: 25, tls: { key: pki.valid.keyPem, cert: pki.valid.chainPem } });
  dns = await startDnsServer([
    { name: 'alias.test', type: 'MX', preference: 10, exchange: 'mx.alias.test' },
    { name: 'mx.alias.test', type: 'CNAME', target: 'real-host.provider.test' },
    { name: 'real-host.provider.test', type: 'A', address: '127.112.210.1' },
    { name: 'direct.test', type: 'MX', preference: 10, exchange: 'real-host.provider.test' },
  ]);
});
afterAll(async () => {
  await smtp?.close();
  await dns?.close();
});

async function check(domain: string): Promise<CheckResult> {
  const gen = runCheck(
    { input: domain, mode: 'domain', domain, displayDomain: domain },
    {
      resolver: createResolver({ servers: [dns.servers], timeoutMs: 1_000, tries: 1 }),
      policy: createAddressPolicy({ allowCidrs: ['127.112.210.0/24'] }),
      tls: createTlsContext({ extraCaPem: pki.caPem, extraCaFile: '' }),
      limits,
      ehloName: 'probe.alias.test',
    },
  );
  for (;;) {
    const next = await gen.next();
    if (next.done) return CheckResultSchema.parse(next.value);
  }
}

describe('MX target that is a CNAME', () => {
  it('warns naming the alias and its target, and still probes and matches the certificate under the MX name', async () => {
    const r = await check('alias.test');
    expect(r.dns.hosts[0]).toMatchObject({ name: 'mx.alias.test', cnameTarget: 'real-host.provider.test' });
    expect(r.findings.filter((f) => f.code === 'mx.cname')).toEqual([
      { code: 'mx.cname', severity: 'warning', untested: false, scope: 'host', host: 'mx.alias.test', params: { host: 'mx.alias.test', target: 'real-host.provider.test' } },
    ]);
    const p25 = r.probes.find((p) => p.port === 25)!;
    expect(p25).toMatchObject({ host: 'mx.alias.test', address: '127.112.210.1', outcome: 'success' });
    expect(p25.tls).toMatchObject({ servername: 'mx.alias.test', hostnameMatch: true, trusted: true });
  });

  it('an MX naming the canonical host directly has no alias finding', async () => {
    const r = await check('direct.test');
    expect(r.dns.hosts[0]?.cnameTarget).toBeUndefined();
    expect(r.findings.map((f) => f.code)).not.toContain('mx.cname');
  });
});
