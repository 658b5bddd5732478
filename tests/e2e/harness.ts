/**
 * End-to-end harness: the production standalone server (what the Dockerfile runs) on a loopback
 * port, fed by a mail lab, and Debian's Chromium driven by playwright-core (never a download).
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { startProductionServer } from '@/tests/fixtures/production-server';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const ARTIFACTS = join(ROOT, 'test-results');

export { freePort } from '@/tests/fixtures/production-server';

export interface AppServer {
  url: string;
  dataDir: string;
  logs: readonly string[];
  stop(signal?: NodeJS.Signals): Promise<number | string>;
}

/** The standalone server.js (what the Dockerfile runs), with test-friendly limits, on loopback. */
export async function startApp(env: Record<string, string>, opts: { dataDir?: string } = {}): Promise<AppServer> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'mxray-e2e-data-'));
  const server = await startProductionServer({
    root: ROOT,
    dataDir,
    env: {
      LOG_LEVEL: 'info',
      RATE_LIMIT_PER_MINUTE: '600',
      RATE_LIMIT_BURST: '100',
      DEDUPE_WINDOW_SECONDS: '0',
      // every browser test comes from 127.0.0.1: one client with many checks
      MAX_RUNNING_PER_CLIENT: '50',
      ...env,
    },
  });
  return { url: server.url, dataDir, logs: server.logs, stop: (signal) => server.kill(signal) };
}

export async function launchBrowser(): Promise<Browser> {
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-quic',
      '--disable-sync',
    ],
  });
}
