/**
 * Security headers as the production build serves them (proxy.ts, lib/http/security-headers.ts):
 * on pages, the API (errors and event streams included) and 404s; a fresh CSP nonce per page that
 * every script of the page carries; HSTS only over HTTPS; and a real browser rendering and
 * hydrating the home page without a single CSP violation.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProductionServer, type ProductionServer } from '@/tests/fixtures/production-server';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
let plain: ProductionServer;
let proxied: ProductionServer;

const dataDir = () => mkdtempSync(join(tmpdir(), 'mxray-headers-'));

beforeAll(async () => {
  [plain, proxied] = await Promise.all([
    startProductionServer({ root: ROOT, dataDir: dataDir(), env: {} }),
    startProductionServer({ root: ROOT, dataDir: dataDir(), env: { TRUST_PROXY: 'true' } }),
  ]);
});

afterAll(async () => {
  await Promise.all([plain?.kill(), proxied?.kill()]);
});

function expectCommonHeaders(res: Response): void {
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  expect(res.headers.get('referrer-policy')).toBe('no-referrer');
  expect(res.headers.get('permissions-policy')).toContain('camera=()');
  expect(res.headers.get('strict-transport-security')).toBeNull();
}

function cspOf(res: Response): Map<string, string> {
  const csp = res.headers.get('content-security-policy') ?? '';
  return new Map(
    csp.split(';').map((d) => {
      const [name = '', ...rest] = d.trim().split(/\s+/);
      return [name, rest.join(' ')] as const;
    }),
  );
}

describe('pages', () => {
  it('the home page: strict CSP whose fresh nonce is on every script, framing refused', async () => {
    const [a, b] = await Promise.all([fetch(`${plain.url}/`), fetch(`${plain.url}/`)]);
    expect(a.status).toBe(200);
    expectCommonHeaders(a);
    expect(a.headers.get('x-frame-options')).toBe('DENY');
    const csp = cspOf(a);
    const nonce = /'nonce-([^']+)'/.exec(csp.get('script-src') ?? '')?.[1];
    expect(nonce).toBeTruthy();
    expect(csp.get('script-src')).not.toContain('unsafe-inline');
    expect(csp.get('frame-ancestors')).toBe("'none'");
    expect(csp.get('object-src')).toBe("'none'");
    const html = await a.text();
    const scripts = html.match(/<script\b[^>]*>/g) ?? [];
    expect(scripts.length).toBeGreaterThan(0);
    for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
    // a nonce is never reused
    const other = /'nonce-([^']+)'/.exec(cspOf(b).get('script-src') ?? '')?.[1];
    expect(other).not.toBe(nonce);
    await b.body?.cancel();
  });

  it('a 404 page and an /embed/ page get the headers too, and only /embed/ may be framed', async () => {
    const missing = await fetch(`${plain.url}/check/AAAAAAAAAAAAAAAAAAAAAA`);
    expect(missing.status).toBe(404);
    expectCommonHeaders(missing);
    expect(cspOf(missing).get('frame-ancestors')).toBe("'none'");
    await missing.body?.cancel();
    const embed = await fetch(`${plain.url}/embed/AAAAAAAAAAAAAAAAAAAAAA`);
    expectCommonHeaders(embed);
    expect(cspOf(embed).get('frame-ancestors')).toBe('*');
    expect(embed.headers.get('x-frame-options')).toBeNull();
    await embed.body?.cancel();
  });
});

describe('API', () => {
  it('JSON answers, errors and event streams carry the headers and a CSP that allows nothing', async () => {
    const health = await fetch(`${plain.url}/api/health`);
    const refused = await fetch(`${plain.url}/api/checks`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' });
    const notFound = await fetch(`${plain.url}/api/checks/AAAAAAAAAAAAAAAAAAAAAA/events`);
    expect([health.status, refused.status, notFound.status]).toEqual([200, 415, 404]);
    for (const res of [health, refused, notFound]) {
      expectCommonHeaders(res);
      expect(cspOf(res).get('default-src')).toBe("'none'");
      expect(cspOf(res).get('frame-ancestors')).toBe("'none'");
      await res.body?.cancel();
    }
  });

  it('an oversized body is still refused with the proxy in front (413 or 400, never accepted)', async () => {
    const big = JSON.stringify({ domain: 'example.com', pad: 'x'.repeat(200_000) });
    const res = await fetch(`${plain.url}/api/checks`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: big });
    expect(res.status).toBe(413);
    await res.body?.cancel();
  });
});

describe('HSTS', () => {
  it('is sent when a trusted proxy says the client used HTTPS, and not otherwise', async () => {
    const viaTls = await fetch(`${proxied.url}/`, { headers: { 'x-forwarded-proto': 'https' } });
    expect(viaTls.headers.get('strict-transport-security')).toMatch(/^max-age=\d{8}; includeSubDomains$/);
    expect(cspOf(viaTls).has('upgrade-insecure-requests')).toBe(true);
    await viaTls.body?.cancel();
    const viaHttp = await fetch(`${proxied.url}/api/health`, { headers: { 'x-forwarded-proto': 'http' } });
    expect(viaHttp.headers.get('strict-transport-security')).toBeNull();
    await viaHttp.body?.cancel();
    const direct = await fetch(`${plain.url}/api/health`);
    expect(direct.headers.get('strict-transport-security')).toBeNull();
    await direct.body?.cancel();
  });
});

describe('in a browser', () => {
  it('the home page renders and hydrates with no CSP violation', async () => {
    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run', '--disable-sync'],
    });
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error' || /Content Security Policy/i.test(m.text())) problems.push(m.text());
      });
      page.on('pageerror', (e) => problems.push(e.message));
      await page.goto(`${plain.url}/`, { waitUntil: 'networkidle' });
      // React attaches its fiber to hydrated DOM nodes; a page whose scripts were blocked has none.
      const hydrated = await page.evaluate(() => Object.keys(document.querySelector('form') ?? {}).some((k) => k.startsWith('__react')));
      expect(hydrated).toBe(true);
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
