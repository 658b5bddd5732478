/**
 * A domain over time in a real browser: two checks of one lab domain with a port closed between
 * them, then the history page, the comparison, the Atom feed and the link preview, all served by
 * the production server against the loopback mail lab (127.113.0.0/16).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { CreateCheckResponseSchema } from '@/lib/http/api-schemas';
import { CompareResponseSchema, HistoryPageSchema } from '@/lib/history/schemas';
import { startMailLab, type MailLab } from '@/tests/fixtures/mail-lab';
import { parseXml, xmlElements, xmlText } from '@/tests/fixtures/xml';
import { ARTIFACTS, launchBrowser, startApp, type AppServer } from './harness';

let lab: MailLab;
let app: AppServer;
let browser: Browser;
const ids: string[] = [];

async function runCheck(domain: string): Promise<string> {
  const res = await fetch(`${app.url}/api/checks`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ domain }) });
  expect(res.status).toBe(201);
  const { id } = CreateCheckResponseSchema.parse(await res.json());
  // The event stream closes when the check is done.
  await (await fetch(`${app.url}/api/checks/${id}/events`)).text();
  return id;
}

beforeAll(async () => {
  lab = await startMailLab({ block: 113, suffix: 'history.test' });
  app = await startApp(lab.env);
  browser = await launchBrowser();
  ids.push(await runCheck(lab.domains.good));
  // Between the two runs, mx1's submission port 587 goes away.
  const mx1Submission = lab.servers.find((s) => s.port === 587 && s.address === '127.113.1.1')!;
  await mx1Submission.close();
  ids.push(await runCheck(lab.domains.good));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await lab?.close();
});

describe('history, compare, feed and previews', () => {
  it('lists both checks newest first over the API and names the closed port in the comparison', async () => {
    const page = HistoryPageSchema.parse(await (await fetch(`${app.url}/api/domains/${lab.domains.good}/checks`)).json());
    expect(page.checks.map((c) => c.id)).toEqual([ids[1], ids[0]]);
    const cmp = CompareResponseSchema.parse(await (await fetch(`${app.url}/api/domains/${lab.domains.good}/compare?from=${ids[0]}&to=${ids[1]}`)).json());
    const closed = cmp.changes.filter((c) => c.kind === 'port-status' && c.port === 587 && c.to === 'closed');
    expect(closed).toHaveLength(1);
    expect(closed[0]).toMatchObject({ from: 'ok' });
  });

  it('shows the history page, follows "Changes since previous" to a readable change list', async () => {
    const page = await browser.newPage();
    await page.goto(`${app.url}/domain/${lab.domains.good}`);
    await expect(page.getByTestId('history-list').locator('> li').count()).resolves.toBe(2);
    await page.getByRole('link', { name: 'Changes since previous' }).click();
    await page.waitForURL(/\/compare\?from=/);
    const list = page.getByTestId('change-list');
    await list.waitFor();
    const text = await list.innerText();
    expect(text).toMatch(/:587[\s\S]*OK → Closed/);
    await page.close();
  });

  it('links "compare with previous" from the newer permalink', async () => {
    const page = await browser.newPage();
    await page.goto(`${app.url}/check/${ids[1]}`);
    await page.getByRole('link', { name: 'Compare with previous check' }).click();
    await page.waitForURL(new RegExp(`compare\\?from=${ids[0]}&to=${ids[1]}$`));
    await page.close();
  });

  it('serves an Atom feed whose entry is the change', async () => {
    const res = await fetch(`${app.url}/domain/${lab.domains.good}/feed.xml`);
    expect(res.headers.get('content-type')).toBe('application/atom+xml; charset=utf-8');
    const feed = parseXml(await res.text());
    const entries = xmlElements(feed).filter((e) => e.name === 'entry');
    expect(entries).toHaveLength(1);
    expect(xmlText(entries[0]!)).toContain('OK → Closed');
  });

  it('puts Open Graph and Twitter card tags on the permalink, pointing at a PNG preview', async () => {
    const page = await browser.newPage();
    await page.goto(`${app.url}/check/${ids[1]}`);
    const og = await page.locator('meta[property="og:image"]').getAttribute('content');
    const card = await page.locator('meta[name="twitter:card"]').getAttribute('content');
    expect(card).toBe('summary_large_image');
    expect(og).toBe(`${app.url}/og/check/${ids[1]}`);
    await page.close();
    const img = await fetch(og!);
    expect(img.headers.get('content-type')).toBe('image/png');
    expect(img.headers.get('cache-control')).toContain('immutable');
    expect((await img.arrayBuffer()).byteLength).toBeGreaterThan(1000);
  });

  it('saves screenshots of the history and compare pages at desktop and phone widths, light and dark', async () => {
    for (const [name, width] of [['desktop', 1366], ['phone', 390]] as const) {
      for (const colorScheme of ['light', 'dark'] as const) {
        const ctx = await browser.newContext({ viewport: { width, height: 900 }, colorScheme });
        const p = await ctx.newPage();
        for (const [what, url] of [
          ['history', `${app.url}/domain/${lab.domains.good}`],
          ['compare', `${app.url}/domain/${lab.domains.good}/compare?from=${ids[0]}&to=${ids[1]}`],
        ] as const) {
          await p.goto(url);
          const overflow = await p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
          expect(overflow, `${what} ${name}`).toBeLessThanOrEqual(1);
          await p.screenshot({ path: join(ARTIFACTS, `${what}-${name}-${colorScheme}.png`), fullPage: true });
        }
        await ctx.close();
      }
    }
  });
});
