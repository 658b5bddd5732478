/**
 * The product in a real browser: the production standalone server (what the Dockerfile runs)
 * against the loopback mail lab (127.43.0.0/16), driven by Debian's Chromium.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { CheckResultSchema } from '@/lib/probe/schema';
import { startMailLab, type MailLab } from '@/tests/fixtures/mail-lab';
import { ARTIFACTS, launchBrowser, startApp, type AppServer } from './harness';

let lab: MailLab;
let app: AppServer;
let browser: Browser;

beforeAll(async () => {
  // A 4 s postscreen-style pause on slow.e2e.test keeps one cell "still waiting" while the others
  // finish, so the live view can be seen changing before the check ends.
  lab = await startMailLab({ block: 43, suffix: 'e2e.test', slowGreetingPauseMs: 4_000 });
  app = await startApp(lab.env);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await lab?.close();
});

async function submit(page: Page, domain: string): Promise<string> {
  await page.goto(`${app.url}/`);
  await page.getByLabel('Domain to check').fill(domain);
  await page.getByRole('button', { name: 'Check ports' }).click();
  await page.waitForURL(/\/check\/[A-Za-z0-9_-]{22}$/);
  return page.url();
}

describe('web app', () => {
  it('streams a check live: rows change before the check ends, then the report appears', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const permalink = await submit(page, lab.domains.slow);

    // Some probes done while port 25 still waits for its greeting: the page is live, not frozen.
    const status = page.getByRole('status').filter({ hasText: /probes done/ });
    await expect.poll(async () => (await status.textContent()) ?? '', { timeout: 15_000, interval: 100 }).toMatch(/^[1-3] of 4 probes done/);
    await expect.poll(async () => (await page.locator('#live-ports').textContent()) ?? '', { timeout: 5_000 }).toMatch(/still waiting|greeting/i);

    // Then the full report replaces the live view without a reload.
    await page.getByRole('heading', { name: 'Findings' }).waitFor({ timeout: 30_000 });
    await page.getByRole('heading', { name: 'Certificates' }).waitFor();
    const ports = await page.locator('#ports').textContent();
    expect(ports).toContain('STARTTLS');
    expect(ports).toContain('TLS 1.3');
    expect(errors).toEqual([]);

    // The API holds the same finished result.
    const id = permalink.split('/').pop()!;
    const api = await (await fetch(`${app.url}/api/checks/${id}`)).json();
    expect(api.status).toBe('done');
    const result = CheckResultSchema.parse(api.result);
    expect(result.target.domain).toBe(lab.domains.slow);
    // The whole multi-line greeting was read, across the pause.
    const p25 = result.probes.find((p) => p.port === 25);
    expect(p25?.greeting?.lines).toHaveLength(2);
    expect(p25?.outcome).toBe('success');
    await page.close();
  });

  it('shows the table, certificate panel and findings, and a reload shows the identical result', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    const permalink = await submit(page, lab.domains.expired);
    await page.getByRole('heading', { name: 'Findings' }).waitFor({ timeout: 30_000 });
    const sections = async () => ({
      ports: await page.locator('#ports').innerText(),
      findings: await page.locator('#findings').innerText(),
      certificates: await page.locator('#certificates').innerText(),
    });
    const first = await sections();
    expect(first.findings).toContain('Certificate expired');
    expect(first.findings).toContain('Certificate does not match the host name');
    expect(first.certificates).toContain('mx.expired.e2e.test');
    expect(first.certificates).toMatch(/Expired \d+ days? ago/);
    expect(first.ports).toContain('127.43.3.1');

    const checksBefore = (await (await fetch(`${app.url}/api/health`)).json()) as Record<string, unknown>;
    await page.goto(permalink);
    await page.getByRole('heading', { name: 'Findings' }).waitFor();
    expect(await sections()).toEqual(first);
    // Reloading a permalink never starts a new probe.
    const checksAfter = (await (await fetch(`${app.url}/api/health`)).json()) as Record<string, unknown>;
    expect(checksAfter.checksRunning).toBe(0);
    expect(checksBefore.checksRunning).toBe(0);

    // Another browser (fresh context) opens the same permalink to the same result.
    const other = await browser.newContext({ viewport: { width: 1366, height: 900 } });
    const page2 = await other.newPage();
    await page2.goto(permalink);
    expect(await page2.locator('#findings').innerText()).toBe(first.findings);
    await other.close();
    await page.close();
  });

  it('renders a finished report with JavaScript disabled', async () => {
    const page = await browser.newPage();
    const permalink = await submit(page, lab.domains.plain);
    await page.getByRole('heading', { name: 'Findings' }).waitFor({ timeout: 30_000 });
    await page.close();

    const ctx = await browser.newContext({ javaScriptEnabled: false });
    const nojs = await ctx.newPage();
    await nojs.goto(permalink);
    const text = await nojs.locator('main').innerText();
    expect(text).toContain('No STARTTLS on port 25');
    expect(text).toContain('Credentials could travel in clear');
    expect(text).toContain('Port 465 does not speak implicit TLS');
    // Cells expand without JavaScript (<details>).
    await nojs.locator('#ports details summary').first().click();
    expect(await nojs.locator('#ports details[open]').count()).toBeGreaterThan(0);
    await ctx.close();
  });

  it('logs one JSON line per request and per check', () => {
    const lines = app.logs
      .join('')
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const post = lines.find((l) => l.msg === 'request' && l.route === 'POST /api/checks' && l.status === 201);
    expect(post).toMatchObject({ method: 'POST', path: '/api/checks' });
    expect(typeof post?.requestId).toBe('string');
    expect(typeof post?.durationMs).toBe('number');
    expect(typeof post?.checkId).toBe('string');
    const check = lines.find((l) => l.msg === 'check finished' && l.checkId === post?.checkId);
    expect(check).toMatchObject({ domain: expect.any(String), durationMs: expect.any(Number), outcome: 'done' });
  });

  it('answers 404 for an unknown check', async () => {
    const page = await browser.newPage();
    const res = await page.goto(`${app.url}/check/AAAAAAAAAAAAAAAAAAAAAA`);
    expect(res?.status()).toBe(404);
    await page.close();
  });

  it('shows a Relay line per MX address: open relay critical, with screenshots of the section', async () => {
    const page = await browser.newPage();
    const permalink = await submit(page, lab.domains.openRelay);
    await page.getByRole('heading', { name: 'Findings' }).waitFor({ timeout: 30_000 });
    const relay = (await page.locator('#relay').textContent()) ?? '';
    expect(relay).toContain('127.43.7.1');
    expect(relay).toMatch(/Relay\s*Open relay\s*accepted RCPT TO:<relay-test@example\.com>/);
    expect(await page.locator('#findings').textContent()).toContain('Open relay: the server accepts mail for anyone');
    // The open relay is port 25's server: its tile reads Critical, never a green OK.
    const tile25 = page.getByRole('list', { name: 'Summary per port' }).locator('li').filter({ has: page.locator('span.font-mono', { hasText: /^25$/ }) });
    expect(await tile25.textContent()).toContain('Critical');
    await page.screenshot({ path: join(ARTIFACTS, 'relay-report-desktop-light.png'), fullPage: true });
    await page.close();
    for (const [name, width] of [['desktop', 1366], ['phone', 390]] as const) {
      for (const colorScheme of ['light', 'dark'] as const) {
        const ctx = await browser.newContext({ viewport: { width, height: 900 }, colorScheme });
        const p = await ctx.newPage();
        await p.goto(permalink);
        await p.locator('#relay').waitFor();
        const overflow = await p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        expect(overflow).toBeLessThanOrEqual(1);
        await p.locator('#relay').screenshot({ path: join(ARTIFACTS, `relay-${name}-${colorScheme}.png`) });
        await ctx.close();
      }
    }
    for (const s of lab.servers) expect(s.verbs().filter((v) => v === 'DATA' || v === 'BDAT')).toEqual([]);
  });

  it('saves screenshots of the result page at desktop and phone widths, light and dark', async () => {
    const page = await browser.newPage();
    const permalink = await submit(page, lab.domains.good);
    await page.getByRole('heading', { name: 'Findings' }).waitFor({ timeout: 30_000 });
    await page.close();
    for (const [name, width] of [['desktop', 1366], ['phone', 390]] as const) {
      for (const colorScheme of ['light', 'dark'] as const) {
        const ctx = await browser.newContext({ viewport: { width, height: 900 }, colorScheme });
        const p = await ctx.newPage();
        await p.goto(permalink);
        await p.getByRole('heading', { name: 'Findings' }).waitFor();
        // Nothing spills sideways on a phone.
        const overflow = await p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        expect(overflow).toBeLessThanOrEqual(1);
        await p.screenshot({ path: join(ARTIFACTS, `result-${name}-${colorScheme}.png`), fullPage: true });
        await ctx.close();
      }
    }
  });
});
