/**
 * Sharing, in a real browser against the production standalone server: the widget framed by a page
 * from another loopback origin (a plain node:http server on 127.88.255.1, the app on 127.0.0.1),
 * live, resized and linking back; non-embed pages refusing to be framed; badges as images; the
 * Embed dialog and the exports on the permalink page; and the docs' curl script, run as written.
 * Mail lab on 127.88.0.0/16.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, ConsoleMessage, Frame, Page } from 'playwright-core';
import { CheckResponseSchema, CreateCheckResponseSchema } from '@/lib/http/api-schemas';
import { CheckResultSchema } from '@/lib/probe/schema';
import { startMailLab, type MailLab } from '@/tests/fixtures/mail-lab';
import { parseCsvObjects } from '@/tests/fixtures/rfc4180';
import { ARTIFACTS, freePort, launchBrowser, startApp, type AppServer } from './harness';

const HOST_ADDRESS = '127.88.255.1';

let lab: MailLab;
let app: AppServer;
let browser: Browser;
/** The "other site": serves whatever page a test registers, from another origin than the app. */
let site: { url: string; pages: Map<string, string>; close: () => Promise<void> };

async function startSite(): Promise<typeof site> {
  const pages = new Map<string, string>();
  const port = await freePort(HOST_ADDRESS);
  const server = http.createServer((req, res) => {
    const body = pages.get(new URL(req.url ?? '/', 'http://x').pathname);
    res.writeHead(body ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' });
    res.end(body ?? 'not found');
  });
  await new Promise<void>((resolve) => server.listen(port, HOST_ADDRESS, resolve));
  return {
    url: `http://${HOST_ADDRESS}:${port}`,
    pages,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function hostPage(body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Status of our mail</title></head>
<body style="margin:24px;font-family:sans-serif;background:#f3f4f6">${body}</body></html>`;
}

async function startCheck(domain: string): Promise<string> {
  const res = await fetch(`${app.url}/api/checks`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ domain }) });
  expect(res.status).toBe(201);
  return CreateCheckResponseSchema.parse(await res.json()).id;
}

async function untilDone(id: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const body = CheckResponseSchema.parse(await (await fetch(`${app.url}/api/checks/${id}`)).json());
    if (body.status === 'done') return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`check ${id} did not finish`);
}

async function widgetFrame(page: Page): Promise<Frame> {
  const handle = await page.waitForSelector('iframe[data-mxray-embed], iframe');
  const frame = await handle.contentFrame();
  if (!frame) throw new Error('no frame');
  await frame.waitForSelector('#mx-embed');
  return frame;
}

/** Console errors and CSP reports of a page and its frames. */
function watchConsole(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (m: ConsoleMessage) => {
    if (m.type() === 'error' || /Content Security Policy/i.test(m.text())) problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  return problems;
}

let goodId: string;
let plainId: string;

beforeAll(async () => {
  lab = await startMailLab({ block: 88, suffix: 'embed.test', slowGreetingPauseMs: 7_000 });
  app = await startApp(lab.env);
  site = await startSite();
  browser = await launchBrowser();
  [goodId, plainId] = await Promise.all([startCheck(lab.domains.good), startCheck(lab.domains.plain)]);
  await Promise.all([untilDone(goodId), untilDone(plainId)]);
});

afterAll(async () => {
  await browser?.close();
  await site?.close();
  await app?.stop();
  await lab?.close();
});

describe('embedding on another site', () => {
  it('the embed script inserts the widget, live while the check runs, resized to its content, linking back', async () => {
    const id = await startCheck(lab.domains.slow);
    site.pages.set('/script.html', hostPage(`<h1>Our mail</h1><div style="width:460px"><script src="${app.url}/embed.js" data-check="${id}" async></script></div><p id="after">after the widget</p>`));
    const context = await browser.newContext({ viewport: { width: 800, height: 900 } });
    const page = await context.newPage();
    const problems = watchConsole(page);
    await page.goto(`${site.url}/script.html`);
    const frame = await widgetFrame(page);
    expect(new URL(frame.url()).origin).toBe(app.url);
    expect(new URL(page.url()).origin).not.toBe(app.url);

    // Live: the slow server's 7 s greeting keeps the check running while the widget is up (room for a
    // loaded machine to load the host page and the frame)...
    const title = frame.locator('#mx-embed-title');
    expect(await title.textContent()).toBe(lab.domains.slow);
    await frame.getByText('Checking…').waitFor({ timeout: 6_000 });
    await frame.getByText(/of \d+ probes? done/).waitFor({ timeout: 6_000 });
    const runningHeight = await frameHeight(page);
    await frame.locator('#mx-embed').screenshot({ path: join(ARTIFACTS, 'embed-live-running.png') });
    // ...then the verdict arrives over the event stream, with no reload.
    await frame.getByText('All good').or(frame.getByText('Good, with notes')).or(frame.getByText('Needs attention')).waitFor({ timeout: 30_000 });
    expect(await frame.getByText('Checking…').count()).toBe(0);
    expect(await frame.locator('ul[aria-label^="Ports of"] li').count()).toBe(4);

    // The iframe follows the widget's height (it started at 340 px and changed with the content).
    await expect.poll(async () => Math.abs((await frameHeight(page)) - (await widgetHeight(frame))), { timeout: 5_000 }).toBeLessThanOrEqual(1);
    expect(await frameHeight(page)).not.toBe(340);
    expect(runningHeight).toBeGreaterThan(0);

    // Only the widget's own window on the app's origin may set the height.
    const before = await frameHeight(page);
    await page.evaluate(() => window.postMessage({ type: 'mxray:embed-height', height: 999 }, '*'));
    await page.waitForTimeout(200);
    expect(await frameHeight(page)).toBe(before);

    // The link goes back to the full report, in a new tab.
    const [popup] = await Promise.all([context.waitForEvent('page'), frame.getByRole('link', { name: /Full report/ }).click()]);
    await popup.waitForLoadState();
    expect(popup.url()).toBe(`${app.url}/check/${id}`);
    await popup.getByRole('heading', { name: 'Findings' }).waitFor({ timeout: 10_000 });
    expect(problems).toEqual([]);
    await context.close();
  });

  it('the iframe snippet shows the theme it was given, whatever the system scheme, from 280 px up; screenshots', async () => {
    for (const theme of ['light', 'dark'] as const) {
      for (const width of [640, 480, 280]) {
        // The system scheme is the opposite of the theme asked for: the parameter must win.
        const context = await browser.newContext({ viewport: { width: width + 60, height: 700 }, colorScheme: theme === 'dark' ? 'light' : 'dark', deviceScaleFactor: 2 });
        const page = await context.newPage();
        const problems = watchConsole(page);
        site.pages.set(`/iframe-${theme}-${width}.html`, hostPage(`<iframe src="${app.url}/embed/${goodId}?theme=${theme}" title="Mail servers" width="${width}" height="600" style="border:0;color-scheme:${theme}" sandbox="allow-scripts allow-same-origin allow-popups allow-popups-to-escape-sandbox"></iframe>`));
        await page.goto(`${site.url}/iframe-${theme}-${width}.html`);
        const frame = await widgetFrame(page);
        await frame.getByText('All good').waitFor();
        const bg = await frame.locator('#mx-embed').evaluate((el) => getComputedStyle(el).backgroundColor);
        expect(bg).toBe(theme === 'dark' ? 'rgb(24, 24, 27)' : 'rgb(255, 255, 255)');
        // Both MX hosts, four ports each, and the certificate line; nothing spills sideways.
        expect(await frame.locator('ul[aria-label="MX hosts"] > li').count()).toBe(2);
        expect(await frame.locator('#mx-embed').innerText()).toMatch(/Certificate|certificates/);
        const overflow = await frame.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        expect(overflow).toBeLessThanOrEqual(0);
        // Every port's word fits its cell, down to the narrowest width.
        const words = frame.locator('ul[aria-label^="Ports of"] > li > span.block');
        expect(await words.count()).toBe(8);
        for (const [text, cut] of await words.evaluateAll((els) => els.map((e) => [e.textContent, e.scrollWidth - e.clientWidth] as const))) {
          expect(cut, `${text} at ${width} px`).toBeLessThanOrEqual(0);
        }
        // The widget with a margin of the host page around it: its rounded corners sit on the host's
        // background, not on a backdrop the browser painted.
        const box = (await frame.locator('#mx-embed').boundingBox())!;
        await page.screenshot({ path: join(ARTIFACTS, `embed-${theme}-${width}.png`), clip: { x: box.x - 8, y: box.y - 8, width: box.width + 16, height: box.height + 16 } });
        expect(problems).toEqual([]);
        await context.close();
      }
    }
  });

  it('shows problems in their colours (screenshot of a domain without any TLS)', async () => {
    const context = await browser.newContext({ viewport: { width: 500, height: 600 }, deviceScaleFactor: 2 });
    const page = await context.newPage();
    site.pages.set('/plain.html', hostPage(`<script src="${app.url}/embed.js" data-check="${plainId}" data-width="420px" async></script>`));
    await page.goto(`${site.url}/plain.html`);
    const frame = await widgetFrame(page);
    await frame.getByText('Problems found').waitFor();
    const port25 = frame.locator('ul[aria-label^="Ports of"] > li').first();
    expect(await port25.innerText()).toContain('No TLS');
    expect(await port25.getAttribute('class')).toContain('mx-tone-bad');
    await frame.locator('#mx-embed').screenshot({ path: join(ARTIFACTS, 'embed-light-problems.png') });
    await context.close();
  });

  it('data-domain embeds the latest check of a domain, and says so for a domain never checked', async () => {
    site.pages.set(
      '/domain.html',
      hostPage(
        `<div style="width:420px"><script src="${app.url}/embed.js" data-domain="${lab.domains.good}" data-theme="light" async></script></div>` +
          `<div style="width:420px"><script src="${app.url}/embed.js" data-domain="never.embed.test" async></script></div>`,
      ),
    );
    const page = await browser.newPage();
    await page.goto(`${site.url}/domain.html`);
    await expect.poll(() => page.locator('iframe[data-mxray-embed]').count()).toBe(2);
    const [good, never] = await Promise.all((await page.locator('iframe[data-mxray-embed]').elementHandles()).map((h) => h.contentFrame()));
    await good!.waitForSelector('#mx-embed');
    expect(await good!.locator('#mx-embed-title').textContent()).toBe(lab.domains.good);
    expect(await good!.getByRole('link', { name: /Full report/ }).getAttribute('href')).toBe(`/check/${goodId}`);
    await never!.waitForSelector('#mx-embed');
    expect(await never!.locator('#mx-embed').innerText()).toContain('No check of this domain in the last 30 days.');
    await page.close();
  });

  it('a page other than /embed/ refuses to be framed', async () => {
    site.pages.set('/framing.html', hostPage(`<iframe id="report" src="${app.url}/check/${goodId}" width="600" height="400"></iframe><iframe id="docs" src="${app.url}/docs/api" width="600" height="400"></iframe>`));
    const page = await browser.newPage();
    const messages: string[] = [];
    page.on('console', (m) => messages.push(m.text()));
    await page.goto(`${site.url}/framing.html`);
    await page.waitForTimeout(1_500);
    for (const sel of ['#report', '#docs']) {
      const frame = await (await page.$(sel))!.contentFrame();
      // Chromium replaces a refused frame with its own error page: none of our content loads.
      expect(frame?.url(), sel).not.toContain(app.url);
      expect(await frame?.locator('main').count(), sel).toBe(0);
    }
    expect(messages.join('\n')).toMatch(/frame-ancestors/);
    await page.close();
  });
});

async function frameHeight(page: Page): Promise<number> {
  return page.locator('iframe[data-mxray-embed]').first().evaluate((el) => el.getBoundingClientRect().height);
}

async function widgetHeight(frame: Frame): Promise<number> {
  return frame.locator('#mx-embed').evaluate((el) => Math.ceil(el.getBoundingClientRect().height));
}

describe('badges', () => {
  it('render as images on another site and parse as SVG in the browser', async () => {
    const urls = [`${app.url}/badge/${lab.domains.good}.svg`, `${app.url}/badge/check/${goodId}.svg`, `${app.url}/badge/never.embed.test.svg`];
    site.pages.set('/readme.html', hostPage(`<article style="background:#fff;padding:16px">${urls.map((u) => `<p><img src="${u}" alt="badge"></p>`).join('')}</article>`));
    const context = await browser.newContext({ deviceScaleFactor: 2 });
    const page = await context.newPage();
    await page.goto(`${site.url}/readme.html`);
    await expect.poll(() => page.locator('img').evaluateAll((imgs) => imgs.every((i) => (i as HTMLImageElement).complete))).toBe(true);
    const sizes = await page.locator('img').evaluateAll((imgs) => imgs.map((i) => [(i as HTMLImageElement).naturalWidth, (i as HTMLImageElement).naturalHeight]));
    for (const [w, h] of sizes) {
      expect(w).toBeGreaterThan(60);
      expect(h).toBe(20);
    }
    await page.locator('article').screenshot({ path: join(ARTIFACTS, 'badges-2x.png') });
    // Through the real server (proxy and all): the caching each badge allows survives.
    expect((await fetch(urls[1]!)).headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await fetch(urls[0]!)).headers.get('cache-control')).toBe('public, max-age=300');
    expect((await fetch(urls[0]!, { method: 'HEAD' })).status).toBe(200);
    expect((await fetch(`${app.url}/embed.js`)).headers.get('content-type')).toMatch(/javascript/);
    for (const u of urls) {
      const text = await (await fetch(u)).text();
      const parsed = await page.evaluate((svg) => {
        const doc = new DOMParser().parseFromString(svg, 'image/svg+xml');
        return { error: doc.querySelector('parsererror')?.textContent ?? null, root: doc.documentElement.localName, title: doc.querySelector('title')?.textContent };
      }, text);
      expect(parsed.error).toBeNull();
      expect(parsed.root).toBe('svg');
      expect(parsed.title).toMatch(/mail servers/);
    }
    await context.close();
  });
});

describe('the permalink page', () => {
  let context: BrowserContext;
  beforeAll(async () => {
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: app.url });
  });
  afterAll(async () => context?.close());

  it('has an Embed dialog with snippets, copy buttons and a live preview', async () => {
    const page = await context.newPage();
    const problems = watchConsole(page);
    await page.goto(`${app.url}/check/${goodId}`);
    await page.getByRole('button', { name: 'Embed' }).click();
    const dialog = page.getByRole('dialog', { name: 'Embed this check' });
    await dialog.waitFor();
    const text = await dialog.innerText();
    expect(text).toContain(`<script src="${app.url}/embed.js" data-check="${goodId}" async></script>`);
    expect(text).toContain(`[![Mail servers of ${lab.domains.good}](${app.url}/badge/check/${goodId}.svg)](${app.url}/check/${goodId})`);
    const preview = await (await dialog.locator('iframe').elementHandle())!.contentFrame();
    await preview!.getByText('All good').waitFor();
    await expect.poll(() => dialog.locator('img').evaluateAll((imgs) => imgs.every((i) => (i as HTMLImageElement).naturalWidth > 0))).toBe(true);

    await dialog.getByRole('radio', { name: 'Dark' }).check();
    expect(await dialog.innerText()).toContain('data-theme="dark"');
    await dialog.getByRole('button', { name: 'Copy' }).first().click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(`<script src="${app.url}/embed.js" data-check="${goodId}" data-theme="dark" async></script>`);
    await page.waitForTimeout(500);
    await page.screenshot({ path: join(ARTIFACTS, 'embed-dialog.png') });
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.isVisible()).toBe(false);
    expect(problems).toEqual([]);
    await page.close();

    // The dialog on a phone, in dark mode.
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, colorScheme: 'dark' });
    const small = await phone.newPage();
    await small.goto(`${app.url}/check/${goodId}`);
    await small.getByRole('button', { name: 'Embed' }).click();
    const smallDialog = small.getByRole('dialog', { name: 'Embed this check' });
    await (await (await smallDialog.locator('iframe').elementHandle())!.contentFrame())!.getByText('All good').waitFor();
    await small.waitForTimeout(300);
    expect(await small.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
    await small.screenshot({ path: join(ARTIFACTS, 'embed-dialog-phone-dark.png') });
    await phone.close();
  });

  it('exports the result as JSON and CSV downloads', async () => {
    const page = await context.newPage();
    await page.goto(`${app.url}/check/${goodId}`);
    const summary = page.locator('summary', { hasText: /^Export$/ });
    const download = async (label: string) => {
      // The menu is a <details>: open it unless the last download left it open.
      if ((await summary.locator('..').getAttribute('open')) === null) await summary.click();
      const [d] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: new RegExp(`^${label}`) }).click()]);
      return { name: d.suggestedFilename(), text: readFileSync((await d.path())!, 'utf8') };
    };
    await summary.click();
    await page.screenshot({ path: join(ARTIFACTS, 'export-menu.png'), clip: { x: 0, y: 0, width: 1280, height: 420 } });
    const json = await download('JSON');
    expect(json.name).toMatch(new RegExp(`^mxray-${lab.domains.good}-\\d{8}T\\d{4}Z-result\\.json$`));
    expect(CheckResultSchema.parse(JSON.parse(json.text)).target.domain).toBe(lab.domains.good);
    const ports = await download('CSV: ports');
    const rows = parseCsvObjects(ports.text);
    expect(rows).toHaveLength(2 * 4);
    expect(rows.filter((r) => r.port === '465').every((r) => r.encryption === 'implicit-tls')).toBe(true);
    const certs = await download('CSV: certificates');
    expect(parseCsvObjects(certs.text).filter((r) => r.role === 'leaf')).toHaveLength(2);
    await page.close();
  });
});

describe('the API docs', () => {
  it('give a curl script that runs a whole check as written', async () => {
    const page = await browser.newPage();
    await page.goto(`${app.url}/docs/api`);
    const script = await page.locator('#quick-start pre').first().innerText();
    expect(script).toContain(`MXRAY=${app.url}`);
    expect(await page.locator('#embed').innerText()).toContain('{ type: "mxray:embed-height", height }');
    const dir = mkdtempSync(join(tmpdir(), 'mxray-docs-'));
    const { stdout } = await promisify(execFile)('bash', ['-euo', 'pipefail', '-c', script.replaceAll('example.com', lab.domains.plain)], { cwd: dir, timeout: 60_000 });
    const permalink = stdout.trim();
    expect(permalink).toMatch(new RegExp(`^${app.url}/check/[A-Za-z0-9_-]{22}$`));
    const result = CheckResultSchema.parse(JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8')));
    expect(result.target.domain).toBe(lab.domains.plain);
    expect(parseCsvObjects(readFileSync(join(dir, 'ports.csv'), 'utf8')).map((r) => r.port)).toEqual(['25', '465', '587', '2525']);
    await page.screenshot({ path: join(ARTIFACTS, 'docs-api.png'), fullPage: true });
    await page.close();
  });
});
