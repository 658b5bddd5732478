/**
 * The API route handlers, called directly with web Requests (no server), over a runner built from
 * the fake engine and an in-memory (or temporary file) SQLite store.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { POST as postCheck, GET as getCollection } from '@/app/api/checks/route';
import { GET as getCheck } from '@/app/api/checks/[id]/route';
import { GET as getEvents } from '@/app/api/checks/[id]/events/route';
import { GET as getHealth } from '@/app/api/health/route';
import { setServicesForTests, type AppServices } from '@/lib/checks/get-runner';
import { createTokenBucketLimiter } from '@/lib/checks/rate-limit';
import { createRunner, type Runner } from '@/lib/checks/runner';
import {
  ApiErrorSchema,
  CheckResponseSchema,
  CreateCheckResponseSchema,
  HealthResponseSchema,
  SseInterruptedSchema,
} from '@/lib/http/api-schemas';
import { CheckEventSchema } from '@/lib/probe/schema';
import { silentLogger } from '@/lib/probe/types';
import type { CheckStore } from '@/lib/store/check-store';
import { newCheckId } from '@/lib/store/check-id';
import { createSqliteStore } from '@/lib/store/sqlite-store';
import { createFakeEngine, createGate, fakeEvents, fakeTarget, type FakeEngineOptions } from '@/tests/fixtures/fake-engine';

const BASE = 'http://127.0.0.1';
const EVENTS = fakeEvents(fakeTarget('example.test')).length;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  setServicesForTests(undefined);
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Setup {
  engine?: FakeEngineOptions;
  store?: CheckStore;
  burst?: number;
  maxConcurrent?: number;
  queueSize?: number;
}

function install(opts: Setup = {}): Omit<AppServices, 'queries'> & { runner: Runner } {
  const store = opts.store ?? createSqliteStore({ file: ':memory:' });
  const runner = createRunner({
    engine: createFakeEngine(opts.engine),
    store,
    logger: silentLogger,
    maxConcurrent: opts.maxConcurrent ?? 8,
    queueSize: opts.queueSize ?? 8,
    dedupeWindowMs: 60_000,
    saturatedRetryAfterSec: 12,
  });
  cleanups.push(async () => {
    await runner.shutdown(0);
    await store.close();
  });
  const services = {
    runner,
    store,
    rateLimiter: createTokenBucketLimiter({ perMinute: 60, burst: opts.burst ?? 1_000 }),
    trustProxy: false,
    logger: silentLogger,
  };
  setServicesForTests(services);
  return services;
}

function post(body: unknown, headers: Record<string, string> = {}) {
  return postCheck(
    new Request(`${BASE}/api/checks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-mxray-client': '203.0.113.10', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    }),
  );
}

const ctx = (id: string) => ({ params: Promise.resolve({ id }) });

async function startCheck(domain = 'example.test') {
  const res = await post({ domain });
  expect(res.status).toBe(201);
  return CreateCheckResponseSchema.parse(await res.json());
}

async function errorOf(res: Response) {
  return ApiErrorSchema.parse(await res.json()).error;
}

async function untilDone(runner: Runner, id: string) {
  for (let i = 0; i < 500; i++) {
    const c = await runner.getCheck(id);
    if (c && c.status !== 'running' && c.status !== 'queued') return c;
    await new Promise((r) => setTimeout(r, 2));
  }
  throw new Error('check did not finish');
}

// --- a small SSE reader: frames are separated by a blank line

interface Frame {
  id?: string;
  event?: string;
  data?: string;
  comment?: string;
}

function sseReader(res: Response) {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const frames: Frame[] = [];
  return {
    frames,
    /** next frame, or null once the stream has ended */
    async next(): Promise<Frame | null> {
      for (;;) {
        const cut = buffer.indexOf('\n\n');
        if (cut >= 0) {
          const raw = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const f: Frame = {};
          for (const line of raw.split('\n')) {
            if (line.startsWith(':')) f.comment = line.slice(1).trim();
            const m = /^(id|event|data): (.*)$/.exec(line);
            if (m) f[m[1] as 'id' | 'event' | 'data'] = m[2];
          }
          frames.push(f);
          return f;
        }
        const { done, value } = await reader.read();
        if (done) return null;
        buffer += decoder.decode(value, { stream: true });
      }
    },
    /** the next n named events (comments skipped) */
    async events(n: number): Promise<Frame[]> {
      const out: Frame[] = [];
      while (out.length < n) {
        const f = await this.next();
        if (!f) throw new Error(`stream ended after ${out.length} of ${n} events`);
        if (f.event) out.push(f);
      }
      return out;
    },
    /** every remaining named event until the server closes the stream */
    async rest(): Promise<Frame[]> {
      const out: Frame[] = [];
      for (let f = await this.next(); f; f = await this.next()) if (f.event) out.push(f);
      return out;
    },
  };
}

function openEvents(id: string, init: { lastEventId?: string; query?: string; signal?: AbortSignal } = {}) {
  const headers: Record<string, string> = { accept: 'text/event-stream' };
  if (init.lastEventId !== undefined) headers['last-event-id'] = init.lastEventId;
  return getEvents(new Request(`${BASE}/api/checks/${id}/events${init.query ?? ''}`, { headers, signal: init.signal }), ctx(id));
}

function checkEventFrames(frames: Frame[]) {
  for (const f of frames) {
    const event = CheckEventSchema.parse(JSON.parse(f.data!));
    expect(f.event).toBe(event.type);
  }
  return frames.map((f) => Number(f.id));
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('POST /api/checks', () => {
  it('starts a check: 201 with its id, status and links; GET then shows the result', async () => {
    const { runner } = install();
    const res = await post({ domain: 'Example.TEST', mode: 'domain' });
    expect(res.status).toBe(201);
    const body = CreateCheckResponseSchema.parse(await res.json());
    expect(body).toMatchObject({ deduped: false, status: 'running' });
    expect(body.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(body.urls).toEqual({
      self: `/api/checks/${body.id}`,
      events: `/api/checks/${body.id}/events`,
      permalink: `/check/${body.id}`,
    });
    expect(res.headers.get('location')).toBe(body.urls.self);
    // no-transform: Next's server would gzip these ~150 bytes on every POST (a stream each).
    expect(res.headers.get('cache-control')).toBe('no-store, no-transform');

    await untilDone(runner, body.id);
    const got = await getCheck(new Request(`${BASE}${body.urls.self}`), ctx(body.id));
    expect(got.status).toBe(200);
    const check = CheckResponseSchema.parse(await got.json());
    expect(check).toMatchObject({ id: body.id, status: 'done', target: { domain: 'example.test', mode: 'domain' } });
    expect(check.result?.target.domain).toBe('example.test');
    expect(check.finishedAt).toBeDefined();
  });

  it('answers a second request for the same domain with the same check (200, deduped)', async () => {
    install({ engine: { beforeEvent: () => new Promise(() => {}) } });
    const first = await startCheck('example.test');
    const again = await post({ domain: 'EXAMPLE.test' });
    expect(again.status).toBe(200);
    expect(CreateCheckResponseSchema.parse(await again.json())).toMatchObject({ id: first.id, deduped: true });
  });

  it.each([
    ['a domain the engine refuses', { domain: 'not a domain' }, 'invalid_input'],
    ['an IP literal', { domain: '192.0.2.1' }, 'invalid_input'],
    ['an unknown field', { domain: 'example.test', force: true }, 'invalid_input'],
    ['an unknown mode', { domain: 'example.test', mode: 'mx' }, 'invalid_input'],
    ['a missing domain', { mode: 'host' }, 'invalid_input'],
    ['an empty domain', { domain: '' }, 'invalid_input'],
    ['a body that is not an object', ['example.test'], 'invalid_input'],
  ])('refuses %s with 400', async (_name, body, code) => {
    install();
    const res = await post(body);
    expect(res.status).toBe(400);
    const err = await errorOf(res);
    expect(err.code).toBe(code);
    expect(err.message).not.toBe('');
  });

  it('names the unknown field and the engine reason in details', async () => {
    install();
    const unknown = await errorOf(await post({ domain: 'example.test', force: true }));
    expect(unknown.details).toMatchObject({ issues: [{ code: 'unrecognized_keys', message: expect.stringContaining('force') }] });
    const refused = await errorOf(await post({ domain: '192.0.2.1' }));
    expect(refused.details).toEqual({ reason: 'ip-literal' });
  });

  it('refuses JSON that does not parse (400 invalid_json), including bytes that are not UTF-8', async () => {
    install();
    const res = await post('{"domain": "example.test"');
    expect(res.status).toBe(400);
    expect((await errorOf(res)).code).toBe('invalid_json');
    const latin1 = new Uint8Array([0x7b, 0x22, 0x64, 0x22, 0x3a, 0x22, 0xe9, 0x22, 0x7d]); // {"d":"é"} in Latin-1
    const res2 = await postCheck(
      new Request(`${BASE}/api/checks`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: latin1 }),
    );
    expect((await errorOf(res2)).code).toBe('invalid_json');
  });

  it.each([['text/plain'], ['application/x-www-form-urlencoded'], ['application/json; charset=latin1']])(
    'refuses Content-Type %s with 415',
    async (type) => {
      install();
      const res = await post({ domain: 'example.test' }, { 'content-type': type });
      expect(res.status).toBe(415);
      expect((await errorOf(res)).code).toBe('unsupported_media_type');
    },
  );

  it('accepts application/json with a UTF-8 charset and +json types', async () => {
    install();
    expect((await post({ domain: 'a.test' }, { 'content-type': 'application/json; charset=UTF-8' })).status).toBe(201);
    expect((await post({ domain: 'b.test' }, { 'content-type': 'application/merge-patch+json' })).status).toBe(201);
  });

  it('refuses a body over 4 KiB with 413', async () => {
    install();
    const res = await post({ domain: 'example.test', pad: 'x'.repeat(5_000) });
    expect(res.status).toBe(413);
    expect((await errorOf(res)).code).toBe('payload_too_large');
  });

  it('refuses a declared length over 4 KiB before reading, and does not trust a small one', async () => {
    install();
    let read = false;
    const body = new ReadableStream<Uint8Array>(
      {
        pull(c) {
          read = true;
          c.close();
        },
      },
      { highWaterMark: 0 }, // pulled only when someone reads
    );
    const declared = await postCheck(
      new Request(`${BASE}/api/checks`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': '5000' },
        body,
        duplex: 'half',
      } as RequestInit),
    );
    expect(declared.status).toBe(413);
    expect(read).toBe(false);
    const lying = await post({ domain: 'example.test', pad: 'x'.repeat(5_000) }, { 'content-length': '20' });
    expect(lying.status).toBe(413);
  });

  it('refuses a body over 4 KiB with 413 while streaming it, when no length is declared', async () => {
    install();
    let pulled = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        if (pulled > 1_000) return controller.close(); // a sender that would go on and on
        controller.enqueue(new TextEncoder().encode(pulled === 1 ? '{"domain":"' : 'x'.repeat(1_024)));
      },
    });
    const req = new Request(`${BASE}/api/checks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(req.headers.get('content-length')).toBeNull();
    const res = await postCheck(req);
    expect(res.status).toBe(413);
    expect(pulled).toBeLessThan(20);
  });

  it('limits each client: 429 with Retry-After once the burst is spent, other clients unaffected', async () => {
    install({ burst: 2 });
    expect((await post({ domain: 'a.test' })).status).toBe(201);
    expect((await post({ domain: 'b.test' })).status).toBe(201);
    const limited = await post({ domain: 'c.test' });
    expect(limited.status).toBe(429);
    expect((await errorOf(limited)).code).toBe('rate_limited');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await post({ domain: 'c.test' }, { 'x-mxray-client': '198.51.100.7' })).status).toBe(201);
  });

  it('answers 503 with Retry-After when every slot and the queue are taken', async () => {
    install({ engine: { beforeEvent: () => new Promise(() => {}) }, maxConcurrent: 1, queueSize: 1 });
    expect((await post({ domain: 'a.test' })).status).toBe(201);
    const queued = await post({ domain: 'b.test' });
    expect(CreateCheckResponseSchema.parse(await queued.json()).status).toBe('queued');
    const res = await post({ domain: 'c.test' });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('12');
    expect((await errorOf(res)).code).toBe('saturated');
  });

  it('answers other methods with 405 and Allow', async () => {
    install();
    const res = getCollection();
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
    expect((await errorOf(res)).code).toBe('method_not_allowed');
  });
});

describe('GET /api/checks/:id', () => {
  it('answers 404 for an unknown id and 400 for a malformed one', async () => {
    install();
    const unknown = newCheckId();
    const res = await getCheck(new Request(`${BASE}/api/checks/${unknown}`), ctx(unknown));
    expect(res.status).toBe(404);
    expect((await errorOf(res)).code).toBe('not_found');
    const bad = await getCheck(new Request(`${BASE}/api/checks/x`), ctx('../etc'));
    expect(bad.status).toBe(400);
    expect((await errorOf(bad)).code).toBe('invalid_input');
    expect((await openEvents(unknown)).status).toBe(404);
    expect((await openEvents('nope')).status).toBe(400);
  });
});

describe('GET /api/checks/:id/events', () => {
  it('streams named events with ids; a client that drops out resumes with Last-Event-ID, losing and repeating nothing', async () => {
    const gates = Array.from({ length: EVENTS }, () => createGate());
    const { runner, store } = install({ engine: { beforeEvent: (i) => gates[i]!.wait() } });
    const { id } = await startCheck();
    for (const g of gates.slice(0, 5)) g.open();

    const abort = new AbortController();
    const res = await openEvents(id, { signal: abort.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-cache, no-transform');
    expect(res.headers.get('x-accel-buffering')).toBe('no');
    const first = sseReader(res);
    expect((await first.next())?.comment).toBe('mxray event stream');
    const half = await first.events(5);
    expect(checkEventFrames(half)).toEqual([1, 2, 3, 4, 5]);
    expect(runner.stats().viewers).toBe(1);

    abort.abort(); // the browser tab closes, or the network drops
    expect(await first.next()).toBeNull();
    expect(runner.stats().viewers).toBe(0);

    for (const g of gates.slice(5, 8)) g.open(); // the check goes on without viewers
    await expect.poll(async () => (await store.listEvents(id)).length).toBe(8);
    const again = sseReader(await openEvents(id, { lastEventId: half.at(-1)!.id! }));
    const replayed = await again.events(3);
    expect(checkEventFrames(replayed)).toEqual([6, 7, 8]);
    for (const g of gates.slice(8)) g.open();
    const live = await again.rest(); // ends when the server closes after check-done
    const ids = checkEventFrames(live);
    expect([...checkEventFrames(half), ...checkEventFrames(replayed), ...ids]).toEqual(range(1, EVENTS));
    expect(live.at(-1)?.event).toBe('check-done');
  });

  it('resumes from ?lastEventId= for clients that cannot set the header, and rejects a malformed one', async () => {
    const { runner } = install();
    const { id } = await startCheck();
    await untilDone(runner, id);
    const frames = await sseReader(await openEvents(id, { query: `?lastEventId=${EVENTS - 3}` })).rest();
    expect(checkEventFrames(frames)).toEqual(range(EVENTS - 2, EVENTS));
    const bad = await openEvents(id, { lastEventId: 'abc' });
    expect(bad.status).toBe(400);
  });

  it('replays a finished check in full and closes; a client that has seen it all gets 204', async () => {
    const { runner } = install();
    const { id } = await startCheck();
    await untilDone(runner, id);
    const frames = await sseReader(await openEvents(id)).rest();
    expect(checkEventFrames(frames)).toEqual(range(1, EVENTS));
    const done = await openEvents(id, { lastEventId: String(EVENTS) });
    expect(done.status).toBe(204);
  });

  it('after a restart, a check the old process left running is interrupted, in GET and in the stream', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mxray-api-'));
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'mxray.sqlite');

    // The first process gets three events in, then dies without any shutdown.
    const held = createGate();
    const crashed = createSqliteStore({ file });
    install({ store: crashed, engine: { beforeEvent: (i) => (i === 3 ? held.wait() : undefined) } });
    const { id } = await startCheck();
    await expect.poll(async () => (await crashed.listEvents(id)).length).toBe(3);
    setServicesForTests(undefined);

    const { runner } = install({ store: createSqliteStore({ file }) });
    await runner.ready;
    const res = await getCheck(new Request(`${BASE}/api/checks/${id}`), ctx(id));
    expect(CheckResponseSchema.parse(await res.json())).toMatchObject({ status: 'interrupted', reason: 'restart' });
    expect(res.status).toBe(200);

    const frames = await sseReader(await openEvents(id)).rest();
    expect(frames.map((f) => f.event)).toEqual(['check-started', 'dns-done', 'probes-planned', 'interrupted']);
    const last = frames.at(-1)!;
    expect(last.id).toBeUndefined();
    expect(SseInterruptedSchema.parse(JSON.parse(last.data!))).toEqual({ status: 'interrupted', reason: 'restart' });
    expect((await openEvents(id, { lastEventId: '3' })).status).toBe(204);
  });

  it('ends a live stream with an interrupted event when the server shuts down', async () => {
    const { runner } = install({ engine: { beforeEvent: (i) => (i === 2 ? new Promise(() => {}) : undefined) } });
    const { id } = await startCheck();
    const reader = sseReader(await openEvents(id));
    await reader.events(2);
    await runner.shutdown(10);
    const rest = await reader.rest();
    expect(rest.map((f) => f.event)).toEqual(['interrupted']);
    expect(JSON.parse(rest[0]!.data!)).toEqual({ status: 'interrupted', reason: 'shutdown' });
  });
});

describe('GET /api/health', () => {
  it('reports running and queued checks and a working database', async () => {
    install({ engine: { beforeEvent: () => new Promise(() => {}) }, maxConcurrent: 1, queueSize: 2 });
    await startCheck('a.test');
    await startCheck('b.test');
    const res = await getHealth();
    expect(res.status).toBe(200);
    expect(HealthResponseSchema.parse(await res.json())).toEqual({ status: 'ok', checksRunning: 1, queue: 1, db: 'ok' });
  });

  it('answers 503 when the database cannot be queried', async () => {
    const { store } = install();
    await store.close();
    const res = await getHealth();
    expect(res.status).toBe(503);
    expect(HealthResponseSchema.parse(await res.json())).toMatchObject({ status: 'error', db: 'error' });
  });
});
