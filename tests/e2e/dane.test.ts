/**
 * The report's DNSSEC and DANE parts in a real browser: the production server resolving through the
 * DNSSEC lab's validating unbound (127.124.0.0/16, tests/fixtures/dnssec-lab.ts), MX hosts with
 * real TLS on port 25; screenshots of the Policy section, light and dark, English and French.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startDnssecLab, type DnssecLab } from '@/tests/fixtures/dnssec-lab';
import { createTestPki, type TestPki } from '@/tests/fixtures/pki';
import { startFakeSmtp, type FakeSmtpHandle } from '@/tests/fixtures/smtp-server';
import { ARTIFACTS, launchBrowser, startApp, type AppServer } from './harness';

const ZONE = 'dane-e2e.test';
const MX1 = `mx1.${ZONE}`;
const MX2 = `mx2.${ZONE}`;
let lab: DnssecLab;
let pki: TestPki;
let app: AppServer;
let browser: Browser;
let caDir: string;
const servers: FakeSmtpHandle[] = [];

const spkiSha256 = (pem: string) => createHash('sha256').update(new X509Certificate(pem).publicKey.export({ type: 'spki', format: 'der' }) as Buffer).digest('hex');

beforeAll(async () => {
  pki = await createTestPki({ hosts: [MX1, MX2] });
  lab = await startDnssecLab([
    {
      origin: ZONE,
      signing: 'signed',
      lines: [
        `@ IN MX 10 ${MX1}.`,
        `@ IN MX 20 ${MX2}.`,
        'mx1 IN A 127.124.9.1',
        'mx2 IN A 127.124.9.2',
        // mx1 matches (EE beside TA: rollover-ready); mx2 publishes a record for another key.
        `_25._tcp.mx1 IN TLSA 3 1 1 ${spkiSha256(pki.valid.certPem)}`,
        `_25._tcp.mx1 IN TLSA 2 1 1 ${spkiSha256(pki.intermediate.certPem)}`,
        `_25._tcp.mx2 IN TLSA 3 1 1 ${spkiSha256(pki.validRsa.certPem)}`,
      ],
    },
  ], { net: 100 });
  for (const [address, host] of [['127.124.9.1', MX1], ['127.124.9.2', MX2]] as const) {
    servers.push(await startFakeSmtp({ address, port: 25, greeting: [`220 ${host} ESMTP`], tls: { key: pki.valid.keyPem, cert: pki.valid.chainPem } }));
  }
  caDir = mkdtempSync(join(tmpdir(), 'mxray-dane-e2e-'));
  writeFileSync(join(caDir, 'ca.pem'), pki.caPem);
  app = await startApp({
    DNS_SERVERS: lab.unbound,
    PROBE_ALLOW_CIDRS: '127.124.0.0/16',
    ALLOW_TEST_DOMAINS: 'true',
    NODE_EXTRA_CA_CERTS: join(caDir, 'ca.pem'),
    PROBE_EHLO_NAME: `probe.${ZONE}`,
  });
  browser = await launchBrowser();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await Promise.all(servers.map((s) => s.close()));
  await lab?.close();
  if (caDir) rmSync(caDir, { recursive: true, force: true });
});

describe('DNSSEC and DANE in the report', () => {
  it('shows the DNSSEC chain status and the DANE table per MX × address, in English and French, light and dark', async () => {
    const res = await fetch(`${app.url}/api/checks`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ domain: ZONE }) });
    expect(res.status).toBeLessThan(300);
    const { id } = (await res.json()) as { id: string };
    for (const [locale, prefix] of [['en', ''], ['fr', '/fr']] as const) {
      for (const colorScheme of ['light', 'dark'] as const) {
        const ctx = await browser.newContext({ viewport: { width: 1366, height: 900 }, colorScheme });
        const page = await ctx.newPage();
        await page.goto(`${app.url}${prefix}/check/${id}`);
        const policy = page.locator('#policy');
        await policy.waitFor({ timeout: 45_000 });
        const text = await policy.innerText();
        if (locale === 'en') {
          expect(text).toContain('MX records signed and validated');
          expect(text).toMatch(/127\.124\.9\.1\s+match/);
          expect(text).toMatch(/127\.124\.9\.2\s+mismatch/);
          expect(text).toContain('addresses that fail their TLSA records: 1');
        } else {
          expect(text).toContain('enregistrements MX signés et validés');
          expect(text).toMatch(/127\.124\.9\.2\s+ne correspond pas/);
        }
        await policy.screenshot({ path: join(ARTIFACTS, `dane-policy-${locale}-${colorScheme}.png`) });
        await ctx.close();
      }
    }
    const api = (await (await fetch(`${app.url}/api/checks/${id}`)).json()) as { result: { findings: { code: string; severity: string; host?: string }[] } };
    expect(api.result.findings).toContainEqual(expect.objectContaining({ code: 'dane.mismatch', severity: 'critical', host: MX2 }));
  });
});
