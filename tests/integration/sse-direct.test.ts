/**
 * Event streams served beside Next's router (lib/http/direct-route.ts), over a real loopback
 * socket: the production entry point's hook (scripts/mxray-server.cjs) offers each request to the
 * registered route first, and leaves everything else to Next. What the route guarantees through
 * Next must hold here too: every event once and in order, Last-Event-ID resume, the middleware's
 * security headers, viewer places given back (the Node sink's own behaviour: tests/unit/sse-node.test.ts).
 * Loopback block 127.140 (lane a).
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { afterEach, describe, expect, it } from 'vitest';
import { POST as postCheck } from '@/app/api/checks/route';
import '@/app/api/checks/[id]/events/route';
import { setServicesForTests } from '@/lib/checks/get-runner';
import { createTokenBucketLimiter } from '@/lib/checks/rate-limit';
import { createRunner } from '@/lib/checks/runner';
import { createViewerLimiter, type ViewerLimiter } from '@/lib/checks/viewer-limits';
import { CreateCheckResponseSchema } from '@/lib/http/api-schemas';
import { DIRECT_REQUEST, claimDirect, directRoutes } from '@/lib/http/direct-route';
import { silentLogger } from '@/lib/probe/types';
import { createSqliteStore } from '@/lib/store/sqlite-store';
import { createFakeEngine } from '@/tests/fixtures/fake-engine';

const require = createRequire(import.meta.url);
const hook = require('../../scripts/mxray-server.cjs') as {
  DIRECT_REQUEST: symbol;
  wrapListener: (listener: (req: IncomingMessage, res: ServerResponse) => void, config: { trustProxy: boolean; trustProxyHops: number }) => (req: IncomingMessage, res: ServerResponse) => void;
};

const HOST = '127.140.3.1';
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  setServicesForTests(undefined);
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Services behind the routes; `hold` keeps checks running after their first `hold` events. */
function install(opts: { hold?: number; release?: Promise<void>; maxUnsentBytes?: number } = {}) {
  const store = createSqliteStore({ file: ':memory:' });
  const runner = createRunner({
    engine: createFakeEngine(opts.hold === undefined ? {} : { beforeEvent: (i) => (i >= opts.hold! ? (opts.release ?? new Promise(() => {})) : undefined) }),
    store,
    logger: silentLogger,
    maxConcurrent: 8,
    queueSize: 8,
    dedupeWindowMs: 0,
  });
  cleanups.push(async () => {
    await runner.shutdown(0);
    await store.close();
  });
  const viewers = createViewerLimiter({ perCheck: 10, perClient: 10, total: 10 });
  setServicesForTests({
    runner,
    store,
    rateLimiter: createTokenBucketLimiter({ perMinute: 60, burst: 1_000 }),
    trustProxy: false,
    viewers,
    logger: silentLogger,
    ...(opts.maxUnsentBytes ? { sseMaxUnsentBytes: opts.maxUnsentBytes } : {}),
  });
  return { runner, viewers };
}

async function start(domain: string): Promise<string> {
  const res = await postCheck(
    new Request('http://app.test/api/checks', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-mxray-client': '203.0.113.1' },
      body: JSON.stringify({ domain }),
    }),
  );
  return CreateCheckResponseSchema.parse(await res.json()).id;
}

/** The entry point's hook in front of a stand-in for Next that records what reached it. */
async function serve(): Promise<{ url: string; nextSaw: string[] }> {
  const nextSaw: string[] = [];
  const next = (req: IncomingMessage, res: ServerResponse) => {
    nextSaw.push(`${req.method} ${req.url}`);
    res.writeHead(404, { 'content-type': 'text/plain' }).end('next');
  };
  const server: Server = createServer(hook.wrapListener(next, { trustProxy: false, trustProxyHops: 1 }));
  await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return { url: `http://${HOST}:${(server.address() as AddressInfo).port}`, nextSaw };
}

interface Frame {
  id?: string;
  event: string;
}

/** Reads an event stream to its end (or until `stopAfter` frames), frame by frame. */
async function read(url: string, headers: Record<string, string> = {}, stopAfter = Infinity) {
  const res = await fetch(url, { headers });
  const frames: Frame[] = [];
  if (!res.body) return { res, frames };
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    for (let cut = buffer.indexOf('\n\n'); cut >= 0; cut = buffer.indexOf('\n\n')) {
      const text = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      const event = /^event: (.*)$/m.exec(text)?.[1];
      if (event) frames.push({ event, ...(/^id: (.*)$/m.exec(text) ? { id: /^id: (.*)$/m.exec(text)![1] } : {}) });
    }
    if (frames.length >= stopAfter) {
      await reader.cancel();
      break;
    }
  }
  return { res, frames };
}

describe('event streams beside Next (the entry point’s direct routes)', () => {
  it('the route registers itself when its module loads, and the hook offers it every request first', () => {
    expect(directRoutes().has('GET /api/checks/:id/events')).toBe(true);
    expect(DIRECT_REQUEST).toBe(hook.DIRECT_REQUEST);
    expect((globalThis as Record<symbol, unknown>)[DIRECT_REQUEST]).toBe(claimDirect);
  });

  it('serves a finished check’s whole stream in order, with the security headers, without Next', async () => {
    install();
    const { url, nextSaw } = await serve();
    const id = await start('direct-a.test');
    // A finished check replays and ends.
    let frames: Frame[] = [];
    for (let i = 0; i < 50 && frames.at(-1)?.event !== 'check-done'; i++) {
      const got = await read(`${url}/api/checks/${id}/events`);
      expect(got.res.status).toBe(200);
      expect(got.res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
      expect(got.res.headers.get('cache-control')).toBe('no-cache, no-transform');
      expect(got.res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(got.res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(got.res.headers.get('content-security-policy')).toContain("default-src 'none'");
      frames = got.frames;
    }
    expect(frames[0]).toEqual({ id: '1', event: 'check-started' });
    expect(frames.at(-1)?.event).toBe('check-done');
    expect(frames.map((f) => Number(f.id))).toEqual(frames.map((_, i) => i + 1));
    expect(nextSaw).toEqual([]);

    // Last-Event-ID: only what follows.
    const resumed = await read(`${url}/api/checks/${id}/events`, { 'last-event-id': '3' });
    expect(resumed.frames).toEqual(frames.slice(3));
    // ?lastEventId= for clients that cannot set the header; fully seen: 204, as through Next.
    expect((await read(`${url}/api/checks/${id}/events?lastEventId=${frames.length}`)).res.status).toBe(204);
    expect(nextSaw).toEqual([]);
  });

  it('live events reach every viewer once and in order, and a viewer that leaves gives its place back', async () => {
    let release!: () => void;
    const { runner, viewers } = install({ hold: 3, release: new Promise<void>((r) => (release = r)) });
    const { url } = await serve();
    const id = await start('direct-b.test');
    const watching = [read(`${url}/api/checks/${id}/events`), read(`${url}/api/checks/${id}/events`)];
    const leaving = read(`${url}/api/checks/${id}/events`, {}, 2);
    expect((await leaving).frames.length).toBeGreaterThanOrEqual(2);
    for (let i = 0; i < 100 && viewers.stats().total !== 2; i++) await new Promise((r) => setTimeout(r, 10));
    expect(viewers.stats().total).toBe(2);
    release();
    const [a, b] = await Promise.all(watching);
    expect(a!.frames.at(-1)?.event).toBe('check-done');
    expect(a!.frames.map((f) => Number(f.id))).toEqual(a!.frames.map((_, i) => i + 1));
    expect(b!.frames).toEqual(a!.frames);
    for (let i = 0; i < 100 && viewers.stats().total !== 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(viewers.stats().total).toBe(0);
    expect(runner.stats().viewers).toBe(0);
  });

  it('leaves to Next what it does not serve: other paths, other methods, ids that are not check ids', async () => {
    install();
    const { url, nextSaw } = await serve();
    const id = await start('direct-c.test');
    expect((await fetch(`${url}/api/checks/${id}`)).status).toBe(404);
    expect((await fetch(`${url}/api/checks/${id}/events`, { method: 'POST' })).status).toBe(404);
    expect((await fetch(`${url}/api/checks/not-an-id/events`)).status).toBe(404);
    expect((await fetch(`${url}/api/checks/${id}/events/`)).status).toBe(404);
    expect(nextSaw).toEqual([`GET /api/checks/${id}`, `POST /api/checks/${id}/events`, 'GET /api/checks/not-an-id/events', `GET /api/checks/${id}/events/`]);
  });

  it('an unknown check is the route’s own 404 problem, not Next’s', async () => {
    install();
    const { url, nextSaw } = await serve();
    const res = await fetch(`${url}/api/checks/AAAAAAAAAAAAAAAAAAAAAA/events`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(nextSaw).toEqual([]);
  });

  it('a client that goes away mid-stream ends the subscription at once', async () => {
    const { runner, viewers } = install({ hold: 2 });
    const { url } = await serve();
    const id = await start('direct-d.test');
    const gone = new AbortController();
    const res = await fetch(`${url}/api/checks/${id}/events`, { signal: gone.signal });
    const reader = res.body!.getReader();
    await reader.read();
    for (let i = 0; i < 100 && runner.stats().viewers !== 1; i++) await new Promise((r) => setTimeout(r, 10));
    expect(viewers.stats().total).toBe(1);
    gone.abort();
    for (let i = 0; i < 100 && runner.stats().viewers !== 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(runner.stats().viewers).toBe(0);
    expect(viewers.stats().total).toBe(0);
  });
});
