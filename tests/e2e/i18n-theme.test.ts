/**
 * Languages and theme in a real browser: English at the root, French under /fr, negotiated from
 * Accept-Language on the first visit and remembered once chosen; hreflang alternates and <html
 * lang>; the widget and the API follow ?lang=; the theme is server-rendered from its cookie, so
 * the first paint already has the chosen colours.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startMailLab, type MailLab } from '@/tests/fixtures/mail-lab';
import { ARTIFACTS, launchBrowser, startApp, type AppServer } from './harness';
import { join } from 'node:path';

let lab: MailLab;
let app: AppServer;
let browser: Browser;
let checkId: string;

beforeAll(async () => {
  lab = await startMailLab({ block: 115, suffix: 'i18n.test' });
  app = await startApp(lab.env);
  browser = await launchBrowser();
  const res = await fetch(`${app.url}/api/checks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ domain: lab.domains.expired, mode: 'domain' }),
  });
  checkId = ((await res.json()) as { id: string }).id;
  for (let i = 0; i < 300; i++) {
    const body = (await (await fetch(`${app.url}/api/checks/${checkId}`)).json()) as { status: string };
    if (body.status === 'done') break;
    await new Promise((r) => setTimeout(r, 200));
  }
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await lab?.close();
});

describe('languages', () => {
  it('negotiates French from Accept-Language on a first visit, and remembers a switch to English', async () => {
    const ctx = await browser.newContext({ locale: 'fr-FR', extraHTTPHeaders: { 'Accept-Language': 'fr-FR,fr;q=0.9,en;q=0.5' } });
    const page = await ctx.newPage();
    await page.goto(`${app.url}/`);
    expect(new URL(page.url()).pathname).toBe('/fr');
    expect(await page.locator('html').getAttribute('lang')).toBe('fr');
    await page.getByRole('heading', { level: 1, name: /Comment vos serveurs de messagerie/ }).waitFor();
    // hreflang alternates in the document head
    expect(await page.locator('link[rel="alternate"][hreflang="en"]').count()).toBeGreaterThan(0);

    await page.getByRole('link', { name: /EN/ }).click();
    await page.waitForURL((u) => u.pathname === '/');
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    // The same French-speaking browser comes back to the root: the choice holds.
    await page.goto(`${app.url}/`);
    expect(new URL(page.url()).pathname).toBe('/');
    await page.getByRole('heading', { level: 1, name: 'How do your mail servers really answer?' }).waitFor();
    await ctx.close();
  });

  it('keeps permalinks in English at the root and serves them in French under /fr', async () => {
    const en = await fetch(`${app.url}/check/${checkId}`, { headers: { 'accept-language': 'en' } });
    expect(en.status).toBe(200);
    const enHtml = await en.text();
    expect(enHtml).toContain('<html lang="en"');
    expect(enHtml).toContain('Certificate expired');

    const fr = await fetch(`${app.url}/fr/check/${checkId}`);
    expect(fr.status).toBe(200);
    const frHtml = await fr.text();
    expect(frHtml).toContain('<html lang="fr"');
    expect(frHtml).toContain('Certificat expiré');
    expect(frHtml).toContain('Constats');
    expect(frHtml).toMatch(/hrefLang="en"|hreflang="en"/i);

    const docs = await fetch(`${app.url}/docs/api`, { headers: { 'accept-language': 'en' } });
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain('# returns when the check is done');
    // The French API page's code samples carry French comments, not the English ones.
    const frDocs = await (await fetch(`${app.url}/fr/docs/api`)).text();
    expect(frDocs).toContain('# rend la main quand la vérification est terminée');
    expect(frDocs).toContain('# un seul serveur, par exemple votre serveur de soumission');
    expect(frDocs).not.toContain('# returns when the check is done');
    expect(frDocs).not.toContain('# one server');
    expect(frDocs).toContain('// rawBody : le corps de la requête tel que reçu');
    expect(frDocs).not.toContain('exactly as received');
  });

  it('renders the widget in the language of ?lang= (embed.js passes data-lang), without a redirect', async () => {
    const res = await fetch(`${app.url}/embed/${checkId}?lang=fr`, { redirect: 'manual' });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<html lang="fr"');
    expect(html).toContain('Serveurs de messagerie de');
    expect(res.headers.get('set-cookie') ?? '').not.toContain('NEXT_LOCALE');
    // Framing stays allowed for the widget in any language.
    expect(res.headers.get('content-security-policy')).toContain('frame-ancestors *');
    const fr = await fetch(`${app.url}/fr/embed/${checkId}`, { redirect: 'manual' });
    expect(fr.headers.get('content-security-policy')).toContain('frame-ancestors *');
  });
});

describe('API and badges', () => {
  it('answers API errors in the caller’s language with the same codes', async () => {
    const bad = await fetch(`${app.url}/api/checks?lang=fr`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ domain: '192.0.2.1' }),
    });
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('invalid_input');
    expect(body.error.message).toMatch(/^C’est une adresse IP/);
    const missing = await fetch(`${app.url}/api/checks/AAAAAAAAAAAAAAAAAAAAAA`, { headers: { 'accept-language': 'fr-FR,fr;q=0.9' } });
    expect(((await missing.json()) as { error: { code: string; message: string } }).error).toEqual({ code: 'not_found', message: 'Aucune vérification avec cet identifiant.' });
    const english = await fetch(`${app.url}/api/checks/AAAAAAAAAAAAAAAAAAAAAA`);
    expect(((await english.json()) as { error: { message: string } }).error.message).toBe('no check with this id');
  });

  it('draws badge text in French with ?lang=fr', async () => {
    const svg = await (await fetch(`${app.url}/badge/check/${checkId}.svg?lang=fr`)).text();
    expect(svg).toContain('serveurs mail');
    expect(await (await fetch(`${app.url}/badge/check/${checkId}.svg`)).text()).toContain('mail servers');
  });
});

describe('theme', () => {
  it('renders the chosen theme with the first byte of HTML (no flash) and remembers the switch', async () => {
    const ctx = await browser.newContext({ colorScheme: 'light', viewport: { width: 1366, height: 900 } });
    const page = await ctx.newPage();
    await page.goto(`${app.url}/`);
    expect(await page.locator('html').getAttribute('data-theme')).toBeNull();
    const light = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);

    // The radios are visually hidden inside their icon labels: click what a person clicks.
    await page.locator('label', { has: page.getByRole('radio', { name: 'Dark' }) }).click();
    expect(await page.locator('html').getAttribute('data-theme')).toBe('dark');
    const dark = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(dark).not.toBe(light);

    // The server now sends data-theme="dark" in the HTML itself, before any script runs.
    const cookies = await ctx.cookies(app.url);
    const theme = cookies.find((c) => c.name === 'mxray-theme');
    expect(theme?.value).toBe('dark');
    const raw = await (await fetch(`${app.url}/`, { headers: { cookie: `mxray-theme=dark`, 'accept-language': 'en' } })).text();
    expect(raw).toMatch(/<html lang="en" data-theme="dark"/);

    // With JavaScript off the page still paints dark from the first byte.
    const nojs = await browser.newContext({ colorScheme: 'light', javaScriptEnabled: false });
    await nojs.addCookies([{ name: 'mxray-theme', value: 'dark', url: app.url }]);
    const p2 = await nojs.newPage();
    await p2.goto(`${app.url}/`);
    expect(await p2.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe(dark);
    await nojs.close();

    // Back to the system's scheme.
    await page.locator('label', { has: page.getByRole('radio', { name: 'System' }) }).click();
    expect(await page.locator('html').getAttribute('data-theme')).toBeNull();
    await page.reload();
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe(light);
    await ctx.close();
  });

  it('saves screenshots of the home page and a report at desktop and phone widths, light and dark, English and French', async () => {
    for (const [name, width] of [['desktop', 1366], ['phone', 390]] as const) {
      for (const colorScheme of ['light', 'dark'] as const) {
        for (const locale of ['en', 'fr'] as const) {
          const ctx = await browser.newContext({ viewport: { width, height: 900 }, colorScheme });
          const p = await ctx.newPage();
          const prefix = locale === 'en' ? '' : '/fr';
          for (const [page, path] of [['home', '/'], ['report', `/check/${checkId}`]] as const) {
            await p.goto(`${app.url}${prefix}${path === '/' && prefix ? '' : path}`);
            const overflow = await p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
            expect(overflow, `${page} ${locale} ${name} overflows sideways`).toBeLessThanOrEqual(1);
            await p.screenshot({ path: join(ARTIFACTS, `i18n-${page}-${locale}-${name}-${colorScheme}.png`), fullPage: true });
          }
          await ctx.close();
        }
      }
    }
  });
});
