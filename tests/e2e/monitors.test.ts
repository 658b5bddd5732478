/**
 * Monitors in a real browser against the production server and the loopback mail lab
 * (127.125.0.0/16, this file's block): create a monitor from a domain's history page, let the
 * in-process scheduler run it, close a port between two runs, and see the alert delivered to a
 * loopback HTTPS receiver with a valid signature after one failed attempt (retry with backoff),
 * the delivery log on the management page, the history, the comparison and the feed entry; "Run
 * now" refused during its cooldown (page message, 429 with Retry-After).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { CompareResponseSchema } from '@/lib/history/schemas';
import { MonitorViewSchema, WebhookPayloadSchema, type MonitorView } from '@/lib/monitors/schemas';
import { verifySignature } from '@/lib/monitors/webhook-signature';
import { startMailLab, type MailLab } from '@/tests/fixtures/mail-lab';
import { startWebhookReceiver, type WebhookReceiver } from '@/tests/fixtures/webhook-receiver';
import { parseXml, xmlElements, xmlText } from '@/tests/fixtures/xml';
import { ARTIFACTS, launchBrowser, startApp, type AppServer } from './harness';

const RECEIVER = '127.125.50.1';
/** "Run now" is refused this long after a run started (short here; 300 s by default) */
const COOLDOWN_SEC = 4;

let lab: MailLab;
let receiver: WebhookReceiver;
let app: AppServer;
let browser: Browser;
let token = '';

async function monitor(): Promise<MonitorView> {
  const res = await fetch(`${app.url}/api/monitors/${token}`);
  expect(res.status).toBe(200);
  return MonitorViewSchema.parse(await res.json());
}

/** Polls the monitor's API until `ok` holds (the scheduler runs on its own clock). */
async function until(ok: (m: MonitorView) => boolean, what: string, timeoutMs = 60_000): Promise<MonitorView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const m = await monitor();
    if (ok(m)) return m;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(m)}\n${app.logs.join('').slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

beforeAll(async () => {
  lab = await startMailLab({ block: 125, suffix: 'monitors.test' });
  receiver = await startWebhookReceiver({ host: RECEIVER, leaf: await lab.pki.issue({ hosts: [RECEIVER] }) });
  app = await startApp({
    ...lab.env,
    WEBHOOK_ALLOW_CIDRS: '127.125.50.0/24',
    MONITOR_JITTER_SECONDS: '0',
    MONITOR_POLL_SECONDS: '1',
    WEBHOOK_RETRY_BASE_SECONDS: '1',
    WEBHOOK_TIMEOUT_MS: '5000',
    MONITOR_RUN_NOW_COOLDOWN_SECONDS: String(COOLDOWN_SEC),
  });
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await receiver?.close();
  await lab?.close();
});

describe('a monitor from the browser to a signed webhook', () => {
  let page: Page;

  it('is created from the domain’s history page, showing its management link once', async () => {
    page = await browser.newPage();
    await page.goto(`${app.url}/domain/${lab.domains.good}`);
    await page.getByRole('link', { name: 'Monitor this domain' }).click();
    await page.waitForURL(/\/monitors\/new\?domain=/);
    await expect(page.getByLabel('Domain').inputValue()).resolves.toBe(lab.domains.good);
    await page.getByLabel('How often').selectOption({ label: 'Every hour' });
    await page.getByLabel('Webhook URL').fill(`https://${RECEIVER}:${receiver.port}/mxray`);
    await page.getByRole('button', { name: 'Create monitor' }).click();
    const manage = await page.getByTestId('manage-url').innerText();
    expect(manage).toMatch(new RegExp(`^${app.url}/monitors/mon_[A-Za-z0-9_-]{16}\\.[A-Za-z0-9_-]{43}$`));
    token = manage.slice(manage.lastIndexOf('/') + 1);
    await page.getByRole('link', { name: 'Open the management page' }).click();
    await page.waitForURL(/\/monitors\/mon_/);
    await expect(page.getByTestId('monitor-status').innerText()).resolves.toBe('Active');
  });

  it('runs at once through the scheduler as an ordinary check, with no alert the first time', async () => {
    const m = await until((x) => x.lastCheckId !== null, 'the first run');
    expect(m.deliveries).toEqual([]);
    const history = await (await fetch(`${app.url}/api/domains/${lab.domains.good}/checks`)).json();
    expect(history.checks.map((c: { id: string }) => c.id)).toEqual([m.lastCheckId]);
  });

  it('after a port closes and "Run now", delivers the change to the receiver, retrying after its 503', async () => {
    const first = (await monitor()).lastCheckId!;
    const mx1Submission = lab.servers.find((s) => s.port === 587 && s.address === '127.125.1.1')!;
    await mx1Submission.close();
    receiver.script.push({ status: 503 });
    // The first run started moments ago: "Run now" waits out its cooldown, then runs.
    const firstStart = Date.parse((await (await fetch(`${app.url}/api/checks/${first}`)).json()).createdAt);
    await new Promise((r) => setTimeout(r, Math.max(0, firstStart + COOLDOWN_SEC * 1000 + 200 - Date.now())));
    await page.reload();
    await page.getByRole('button', { name: 'Run now' }).click();
    await page.getByText('A run was requested').waitFor();
    // Again at once: refused with a clear message on the page, and 429 + Retry-After from the API.
    await page.getByRole('button', { name: 'Run now' }).click();
    await page.getByText(/^This monitor ran moments ago\. You can run it again in [1-4] seconds?\.$/).waitFor();
    const refused = await fetch(`${app.url}/api/monitors/${token}?lang=fr`, { method: 'PATCH', headers: { 'Content-Type': 'application/json' }, body: '{"runNow":true}' });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(COOLDOWN_SEC);
    const body = await refused.json();
    expect(body.error).toMatchObject({ code: 'rate_limited', details: { reason: 'run-now-cooldown' } });
    expect(body.error.message).toBe('Ce moniteur vient de s’exécuter ; attendez Retry-After secondes avant de le relancer.');
    for (const [name, width] of [['desktop', 1366], ['phone', 390]] as const) {
      for (const colorScheme of ['light', 'dark'] as const) {
        await page.setViewportSize({ width, height: 900 });
        await page.emulateMedia({ colorScheme });
        await page.screenshot({ path: join(ARTIFACTS, `monitor-run-now-cooldown-${name}-${colorScheme}.png`) });
      }
    }
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.emulateMedia({ colorScheme: 'light' });
    const m = await until((x) => x.lastCheckId !== first && x.deliveries[0]?.status === 'delivered', 'the alert to be delivered');
    const [d] = m.deliveries;
    expect(d!.attempts.map((a) => [a.n, a.outcome, a.httpStatus])).toEqual([
      [1, 'http-status', 503],
      [2, 'delivered', 204],
    ]);
    expect(Date.parse(d!.attempts[1]!.at)).toBeGreaterThan(Date.parse(d!.attempts[0]!.at));

    const got = receiver.received.filter((r) => r.url === '/mxray');
    expect(got).toHaveLength(2);
    expect(got[0]!.body).toBe(got[1]!.body);
    for (const g of got) {
      expect(verifySignature({ header: String(g.headers['mxray-signature']), body: g.body, secret: m.signingSecret, nowSec: Date.now() / 1000 }).ok).toBe(true);
      expect(g.headers['mxray-delivery']).toBe(d!.id);
    }
    const payload = WebhookPayloadSchema.parse(JSON.parse(got[1]!.body));
    expect(payload.reasons).toContain('port-changed');
    expect(payload.changes).toContainEqual(expect.objectContaining({ kind: 'port-status', address: '127.125.1.1', port: 587, from: 'ok', to: 'closed' }));
    expect(payload.links.compare).toBe(`${app.url}/domain/${lab.domains.good}/compare?from=${first}&to=${m.lastCheckId}`);
  });

  it('shows the delivery log with every attempt on the management page', async () => {
    await page.reload();
    const log = page.getByTestId('delivery-log');
    await log.waitFor();
    const text = await log.innerText();
    expect(text).toContain('Delivered');
    expect(text).toMatch(/Attempt 1[\s\S]*refused by the receiver[\s\S]*HTTP 503/);
    expect(text).toMatch(/Attempt 2[\s\S]*delivered[\s\S]*HTTP 204/);
  });

  it('leaves both runs in the history, the comparison and the feed', async () => {
    const m = await monitor();
    const history = await (await fetch(`${app.url}/api/domains/${lab.domains.good}/checks`)).json();
    expect(history.checks).toHaveLength(2);
    const [newer, older] = history.checks as { id: string }[];
    expect(newer!.id).toBe(m.lastCheckId);
    const cmp = CompareResponseSchema.parse(await (await fetch(`${app.url}/api/domains/${lab.domains.good}/compare?from=${older!.id}&to=${newer!.id}`)).json());
    expect(cmp.changes).toContainEqual(expect.objectContaining({ kind: 'port-status', port: 587, to: 'closed' }));
    const p = await browser.newPage();
    await p.goto(`${app.url}/domain/${lab.domains.good}/compare?from=${older!.id}&to=${newer!.id}`);
    await expect(p.getByTestId('change-list').innerText()).resolves.toMatch(/:587[\s\S]*OK → Closed/);
    await p.close();
    const feed = parseXml(await (await fetch(`${app.url}/domain/${lab.domains.good}/feed.xml`)).text());
    const entries = xmlElements(feed).filter((e) => e.name === 'entry');
    expect(entries).toHaveLength(1);
    expect(xmlText(entries[0]!)).toContain('OK → Closed');
  });

  it('pauses and resumes from the page', async () => {
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.getByRole('button', { name: 'Resume' }).waitFor();
    await expect(page.getByTestId('monitor-status').innerText()).resolves.toBe('Paused');
    expect((await monitor()).paused).toBe(true);
    await page.getByRole('button', { name: 'Resume' }).click();
    await page.getByRole('button', { name: 'Pause' }).waitFor();
    expect((await monitor()).paused).toBe(false);
  });

  it('answers a wrong token like an unknown monitor', async () => {
    const wrong = `${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`;
    expect((await fetch(`${app.url}/api/monitors/${wrong}`)).status).toBe(404);
    const p = await browser.newPage();
    await p.goto(`${app.url}/monitors/${wrong}`);
    await expect(p.getByRole('heading', { level: 1 }).innerText()).resolves.toBe('No monitor here');
    await p.close();
  });

  it('saves screenshots of the monitor pages at desktop and phone widths, light and dark, in English and French', async () => {
    for (const [name, width] of [['desktop', 1366], ['phone', 390]] as const) {
      for (const colorScheme of ['light', 'dark'] as const) {
        const ctx = await browser.newContext({ viewport: { width, height: 900 }, colorScheme });
        const p = await ctx.newPage();
        for (const [what, url] of [
          ['monitor-new', `${app.url}/monitors/new?domain=${lab.domains.good}`],
          ['monitor-manage', `${app.url}/monitors/${token}`],
          ['monitor-manage-fr', `${app.url}/fr/monitors/${token}`],
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

  it('deletes the monitor from the page', async () => {
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Delete monitor' }).click();
    await page.getByText('The monitor was deleted.').waitFor();
    expect((await fetch(`${app.url}/api/monitors/${token}`)).status).toBe(404);
    await page.close();
  });
});
