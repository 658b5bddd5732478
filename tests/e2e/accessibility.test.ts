/**
 * Accessibility, measured: axe-core finds no serious or critical WCAG 2.2 A/AA violation on any
 * page type (home, live check, finished report in every verdict, embed widget, API docs,
 * not-found, a domain's history and the comparison of two checks) in English and French, light
 * and dark; screenshots of each land in
 * test-results/a11y/. Keyboard: the home page and a report can be tabbed through with a visible
 * focus, and the embed dialog keeps focus inside and closes on Escape.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startMailLab, type MailLab } from '@/tests/fixtures/mail-lab';
import { describeViolations, focusIsVisible, seriousViolations } from './a11y-helpers';
import { ARTIFACTS, launchBrowser, startApp, type AppServer } from './harness';

const SHOTS = join(ARTIFACTS, 'a11y');
const LOCALES = ['en', 'fr'] as const;
const SCHEMES = ['light', 'dark'] as const;

let lab: MailLab;
let app: AppServer;
/** an app whose resolver is a loopback address where no DNS server listens: 'could not test' */
let noDns: AppServer;
let browser: Browser;
/** finished checks by lab domain, with the verdict each one reached and the app that holds it */
const finished = new Map<string, { id: string; verdict: string; app: AppServer }>();
/** a second finished check of the good domain, after one of its ports closed: history and compare have a change */
let later: string;

async function startCheck(domain: string, on: AppServer = app): Promise<string> {
  const res = await fetch(`${on.url}/api/checks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ domain, mode: 'domain' }),
  });
  expect(res.status, await res.clone().text()).toBeLessThan(300);
  return ((await res.json()) as { id: string }).id;
}

async function waitDone(id: string, on: AppServer = app): Promise<{ verdict: string }> {
  for (let i = 0; i < 300; i++) {
    const body = (await (await fetch(`${on.url}/api/checks/${id}`)).json()) as { status: string; result?: { summary: { verdict: string } } };
    if (body.status === 'done' && body.result) return { verdict: body.result.summary.verdict };
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`check ${id} did not finish`);
}

const localized = (locale: string, path: string, on: AppServer = app) => `${on.url}${locale === 'en' ? '' : `/${locale}`}${path}`;

beforeAll(async () => {
  // 127.114.0.0/16 is this file's; the slow host pauses its greeting so a live check stays live.
  // 15 s (under a 20 s greeting timeout) leaves a loaded machine room to load the page while it runs.
  lab = await startMailLab({ block: 114, suffix: 'a11y.test', slowGreetingPauseMs: 15_000 });
  // Every check here comes from this one test client: lift the per-client running cap (3 by
  // default), or the live checks would wait in the queue behind the earlier ones.
  app = await startApp({ ...lab.env, MAX_RUNNING_PER_CLIENT: '50', PROBE_GREETING_TIMEOUT_MS: '20000' });
  // Nothing listens on 127.114.255.254:53 (this file's range): every MX lookup fails or times out.
  noDns = await startApp({ ...lab.env, DNS_SERVERS: '127.114.255.254:53', DNS_TIMEOUT_MS: '1000' });
  browser = await launchBrowser();
  mkdirSync(SHOTS, { recursive: true });
  // One check per verdict: ok (good), info (null MX), warning (busy), critical (plain), and
  // 'could not test' (DNS unreachable).
  const plan = [
    [lab.domains.good, app],
    [lab.domains.nullMx, app],
    [lab.domains.busy, app],
    [lab.domains.plain, app],
    [lab.domains.implicit, noDns],
    // An open relay (critical too): the Open relay section with its bypass wording.
    [lab.domains.openRelay, app],
  ] as const;
  const ids = await Promise.all(plan.map(async ([d, on]) => [d, on, await startCheck(d, on)] as const));
  for (const [d, on, id] of ids) finished.set(d, { id, app: on, ...(await waitDone(id, on)) });
  // mx1's submission port goes away, then the good domain is checked again (no dedupe in e2e).
  await lab.servers.find((s) => s.port === 587 && s.address === '127.114.1.1')!.close();
  later = await startCheck(lab.domains.good);
  await waitDone(later);
});

afterAll(async () => {
  await browser?.close();
  await noDns?.stop();
  await app?.stop();
  await lab?.close();
});

async function context(colorScheme: 'light' | 'dark', width = 1366): Promise<BrowserContext> {
  return browser.newContext({ viewport: { width, height: 900 }, colorScheme, bypassCSP: true });
}

async function auditAndShoot(page: Page, name: string): Promise<string[]> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  return describeViolations(name, await seriousViolations(page));
}

describe('accessibility (axe-core, WCAG 2.2 AA)', () => {
  it('covers every verdict among the finished checks', () => {
    const verdicts = new Set([...finished.values()].map((c) => c.verdict));
    expect([...verdicts].sort()).toEqual(['critical', 'info', 'ok', 'untested', 'warning']);
  });

  for (const colorScheme of SCHEMES) {
    for (const locale of LOCALES) {
      it(`finds no serious or critical violation on the home, API docs, not-found, report and widget pages (${locale}, ${colorScheme})`, async () => {
        const problems: string[] = [];
        const ctx = await context(colorScheme);
        const page = await ctx.newPage();
        const visit = async (url: string, name: string, ready: () => Promise<unknown>) => {
          await page.goto(url);
          await ready();
          problems.push(...(await auditAndShoot(page, `${name}-${locale}-${colorScheme}`)));
        };
        await visit(localized(locale, '/'), 'home', () => page.locator('#ports-title').waitFor());
        await visit(localized(locale, '/docs/api'), 'api-docs', () => page.locator('h1').waitFor());
        await visit(localized(locale, '/no/such/page'), 'not-found', () => page.locator('h1').waitFor());
        for (const [domain, { id, verdict, app: on }] of finished) {
          const name = domain === lab.domains.openRelay ? 'open-relay' : verdict;
          await visit(localized(locale, `/check/${id}`, on), `report-${name}`, () => page.locator('#findings').waitFor());
          await visit(localized(locale, `/embed/${id}`, on), `embed-${name}`, () => page.locator('#mx-embed').waitFor());
        }
        // A domain's history and the comparison of its two checks (a port closed in between).
        const good = lab.domains.good;
        await visit(localized(locale, `/domain/${good}`), 'history', () => page.locator('[data-testid="history-list"]').waitFor());
        const first = finished.get(good)!.id;
        await visit(localized(locale, `/domain/${good}/compare?from=${first}&to=${later}`), 'compare', () => page.locator('[data-testid="change-list"]').waitFor());
        if (locale === 'fr') {
          // The French pages speak French: the change list words the closed port and its verdict.
          expect(await page.locator('[data-testid="change-list"]').innerText()).toMatch(/Fermé|Moins bien|Mieux|Modifié/);
          expect(await page.locator('h2').first().innerText()).toMatch(/changement/);
        }
        await ctx.close();
        expect(problems).toEqual([]);
      }, 300_000);
    }
  }

  it('finds no serious or critical violation on a live check, in both languages and schemes', async () => {
    const problems: string[] = [];
    for (const colorScheme of SCHEMES) {
      for (const locale of LOCALES) {
        const id = await startCheck(lab.domains.slow);
        // (the slow host holds its greeting 15 s on this app: the live view is what gets audited)
        const ctx = await context(colorScheme);
        const page = await ctx.newPage();
        await page.goto(localized(locale, `/check/${id}`));
        await page.locator('#live-ports').waitFor();
        // Audited while port 25 still waits for its greeting: the live table, not the report.
        expect(await page.locator('#findings').count()).toBe(0);
        problems.push(...(await auditAndShoot(page, `live-${locale}-${colorScheme}`)));
        await ctx.close();
      }
    }
    expect(problems).toEqual([]);
  });
});

/** Sequential focus starts at the top of the document, as after loading a page without autofocus. */
async function startAtTop(page: Page) {
  await page.evaluate(() => {
    document.body.tabIndex = -1;
    document.body.focus();
    document.body.removeAttribute('tabindex');
  });
}

describe('keyboard', () => {
  async function tabThrough(page: Page, max: number): Promise<string[]> {
    const seen: string[] = [];
    const invisible: string[] = [];
    for (let i = 0; i < max; i++) {
      await page.keyboard.press('Tab');
      const f = await focusIsVisible(page);
      if (f.what === 'body') break;
      seen.push(f.what);
      if (!f.visible) invisible.push(f.what);
    }
    expect(invisible, 'focused without a visible indicator').toEqual([]);
    return seen;
  }

  it('tabs through the home page with a visible focus to every control', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1366, height: 900 } });
    const page = await ctx.newPage();
    await page.goto(`${app.url}/`);
    await startAtTop(page);
    const seen = (await tabThrough(page, 40)).join('\n');
    for (const control of ['Skip to content', 'mxray, home', 'SMTP ports explained', 'API', 'FR', 'Check ports', 'gmail.com', 'RFC 5321']) {
      expect(seen).toContain(control);
    }
    expect(seen).toMatch(/input#.* ""/); // the domain field and the host-mode switch
    // The switch and the theme radios work from the keyboard.
    await page.getByRole('switch').focus();
    await page.keyboard.press('Space');
    expect(await page.getByRole('switch').isChecked()).toBe(true);
    await page.getByRole('radio', { name: 'Dark' }).focus();
    await page.keyboard.press('Space');
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await ctx.close();
  });

  it('tabs through a report: actions, expandable cells (Enter opens them), and the embed dialog traps focus and closes on Escape', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1366, height: 900 } });
    const page = await ctx.newPage();
    await page.goto(`${app.url}/check/${finished.get(lab.domains.good)!.id}`);
    await page.locator('#findings').waitFor();
    await startAtTop(page);
    const seen = (await tabThrough(page, 60)).join('\n');
    for (const control of ['Copy link', 'Embed', 'Export', 'Run again', 'Capabilities and transcript']) expect(seen).toContain(control);

    const summary = page.locator('#ports details > summary').first();
    await summary.focus();
    await page.keyboard.press('Enter');
    expect(await page.locator('#ports details[open]').count()).toBe(1);

    const open = page.getByRole('button', { name: 'Embed' });
    await open.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    for (let i = 0; i < 25; i++) {
      await page.keyboard.press('Tab');
      const inside = await page.evaluate(() => Boolean(document.activeElement?.closest('dialog')));
      expect(inside, `focus left the dialog after ${i + 1} Tab presses`).toBe(true);
    }
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.isVisible()).toBe(false);
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Embed');
    await ctx.close();
  });
});
