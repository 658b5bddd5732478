/**
 * The framework-neutral cores of the two hot routes (lib/http/check-create.ts, check-events.ts),
 * driven with a plain CoreRequest (no web Request, no socket): what they read and when, and the
 * replies both adapters carry (Next's route handler, the direct path).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { setServicesForTests } from '@/lib/checks/get-runner';
import { createTokenBucketLimiter } from '@/lib/checks/rate-limit';
import { createRunner } from '@/lib/checks/runner';
import { createViewerLimiter } from '@/lib/checks/viewer-limits';
import { MAX_BODY_BYTES } from '@/lib/http/api-schemas';
import { createCheck } from '@/lib/http/check-create';
import { checkEvents } from '@/lib/http/check-events';
import { isStreamReply, type CoreRequest, type JsonReply, type Reply, type StreamReply } from '@/lib/http/reply';
import type { SseSink } from '@/lib/http/sse';
import { silentLogger } from '@/lib/probe/types';
import { createSqliteStore } from '@/lib/store/sqlite-store';
import { createFakeEngine } from '@/tests/fixtures/fake-engine';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  setServicesForTests(undefined);
  for (const c of cleanups.splice(0).reverse()) await c();
});

function install(opts: { burst?: number } = {}) {
  const store = createSqliteStore({ file: ':memory:' });
  const runner = createRunner({ engine: createFakeEngine(), store, logger: silentLogger, maxConcurrent: 8, queueSize: 8, dedupeWindowMs: 0 });
  cleanups.push(async () => {
    await runner.shutdown(0);
    await store.close();
  });
  const viewers = createViewerLimiter({ perCheck: 1, perClient: 10, total: 10 });
  setServicesForTests({
    runner,
    store,
    rateLimiter: createTokenBucketLimiter({ perMinute: 1, burst: opts.burst ?? 1_000 }),
    trustProxy: false,
    viewers,
    logger: silentLogger,
  });
  return { runner, viewers };
}

/** A request whose body is handed over as asked (and counted), or `body` null: longer than the cap. */
function request(opts: { method?: string; path?: string; search?: string; headers?: Record<string, string>; body?: string | null } = {}) {
  const reads: number[] = [];
  const headers = { 'x-mxray-client': '203.0.113.9', ...opts.headers };
  const req: CoreRequest = {
    method: opts.method ?? 'POST',
    path: opts.path ?? '/api/checks',
    search: opts.search ?? '',
    header: (name) => headers[name as keyof typeof headers] ?? null,
    body: async (max) => {
      reads.push(max);
      return opts.body === null ? null : Buffer.from(opts.body ?? '');
    },
  };
  return { req, reads };
}

const JSON_TYPE = { 'content-type': 'application/json' };
const json = (r: Reply) => r as JsonReply & { body: { error?: { code: string; message: string }; id?: string } };

describe('the check-create core', () => {
  it('starts a check: 201, Location, X-Check-Id, no-transform; the body read once, at the API cap', async () => {
    install();
    const { req, reads } = request({ headers: JSON_TYPE, body: JSON.stringify({ domain: 'core-a.test' }) });
    const reply = json(await createCheck(req));
    expect(reply.status).toBe(201);
    expect(reply.headers).toMatchObject({ 'Content-Type': 'application/json', 'Cache-Control': 'no-store, no-transform', 'X-Check-Id': reply.body.id, Location: `/api/checks/${reply.body.id}` });
    expect(reads).toEqual([MAX_BODY_BYTES]);
  });

  it('refuses before reading: the rate limit, a wrong media type, a declared oversize', async () => {
    install({ burst: 3 });
    const cases: [number, string, ReturnType<typeof request>][] = [
      [415, 'unsupported_media_type', request({ headers: { 'content-type': 'text/plain' }, body: 'x' })],
      [413, 'payload_too_large', request({ headers: { ...JSON_TYPE, 'content-length': String(MAX_BODY_BYTES + 1) }, body: '{}' })],
      [413, 'payload_too_large', request({ headers: JSON_TYPE, body: null })],
      // the fourth of a budget of three
      [429, 'rate_limited', request({ headers: JSON_TYPE, body: '{}' })],
    ];
    for (const [status, code, { req }] of cases) {
      const reply = json(await createCheck(req));
      expect([reply.status, reply.body.error?.code]).toEqual([status, code]);
    }
    expect(cases.map(([, , c]) => c.reads.length)).toEqual([0, 0, 1, 0]);
    expect(json(await createCheck(request({ headers: JSON_TYPE, body: '{}' }).req)).headers['Retry-After']).toMatch(/^\d+$/);
  });

  it('answers an error in the caller’s language on the reply itself, and English as the handler said it', async () => {
    install();
    const en = json(await createCheck(request({ headers: JSON_TYPE, body: '{"domain": ' }).req));
    expect([en.status, en.body.error?.code, en.headers['Content-Language']]).toEqual([400, 'invalid_json', undefined]);
    const fr = json(await createCheck(request({ headers: { ...JSON_TYPE, 'accept-language': 'fr-FR,fr;q=0.9' }, body: '{"domain": ' }).req));
    expect(fr.headers['Content-Language']).toBe('fr');
    expect(fr.body.error?.code).toBe('invalid_json');
    expect(fr.body.error?.message).not.toBe(en.body.error?.message);
    // ?lang= wins over Accept-Language
    const pinned = json(await createCheck(request({ search: 'lang=en', headers: { ...JSON_TYPE, 'accept-language': 'fr' }, body: '{"domain": ' }).req));
    expect(pinned.body.error?.message).toBe(en.body.error?.message);
  });
});

describe('the check-events core', () => {
  const events = (id: string, opts: Parameters<typeof request>[0] = {}) => checkEvents(request({ method: 'GET', path: `/api/checks/${id}/events`, ...opts }).req, id);

  it('refuses a malformed id, an invalid Last-Event-ID and an unknown check', async () => {
    install();
    expect(json(await events('nope')).status).toBe(400);
    expect(json(await events('AAAAAAAAAAAAAAAAAAAAAA', { headers: { 'last-event-id': 'x' } })).status).toBe(400);
    const unknown = json(await events('AAAAAAAAAAAAAAAAAAAAAA', { search: 'lang=fr' }));
    expect([unknown.status, unknown.body.error?.code, unknown.headers['Content-Language']]).toEqual([404, 'not_found', 'fr']);
  });

  it('describes the stream of a check, resumes after Last-Event-ID, and answers 204 when all is seen', async () => {
    const { viewers } = install();
    const created = json(await createCheck(request({ headers: JSON_TYPE, body: JSON.stringify({ domain: 'core-b.test' }) }).req));
    const id = created.body.id!;
    // Read a stream through a recording sink, to its end.
    const read = (reply: Reply) => {
      expect(isStreamReply(reply)).toBe(true);
      const spec = (reply as StreamReply).events;
      const seen: string[] = [];
      return new Promise<string[]>((resolve) => {
        let closed = false;
        let cleanup: (() => void) | void;
        const sink: SseSink = {
          event: (name) => void seen.push(name),
          frame: (bytes) => void seen.push(/^id: (\d+)/.exec(Buffer.from(bytes).toString())![1]!),
          comment: () => {},
          close: () => {
            if (closed) return;
            closed = true;
            cleanup?.();
            spec.release?.();
            resolve(seen);
          },
          get closed() {
            return closed;
          },
        };
        cleanup = spec.start(sink);
        if (closed) cleanup?.();
      });
    };
    const first = await events(id);
    expect(first.headers['Content-Type']).toBe('text/event-stream; charset=utf-8');
    expect((first as StreamReply).events.retryMs).toBe(3000);
    (first as StreamReply).events.release?.();
    for (let i = 0; i < 200 && (await statusOf(id)) !== 'done'; i++) await new Promise((r) => setTimeout(r, 10));
    let all: string[] = [];
    all = await read(await events(id));
    expect(all.map(Number)).toEqual(all.map((_, i) => i + 1));
    expect(viewers.stats().total).toBe(0);
    expect(await read(await events(id, { headers: { 'last-event-id': '2' } }))).toEqual(all.slice(2));
    expect(json(await events(id, { search: `lastEventId=${all.length}` })).status).toBe(204);
  });

  it('refuses a viewer past the per-check limit, and gives the place back when the stream ends', async () => {
    const { viewers } = install();
    const id = json(await createCheck(request({ headers: JSON_TYPE, body: JSON.stringify({ domain: 'core-c.test' }) }).req)).body.id!;
    const first = (await events(id)) as StreamReply;
    expect(viewers.stats().total).toBe(1);
    const second = json(await events(id));
    expect([second.status, second.body.error?.code, second.headers['Retry-After']]).toEqual([429, 'rate_limited', '5']);
    first.events.release?.();
    expect(viewers.stats().total).toBe(0);
  });
});

async function statusOf(id: string): Promise<string | undefined> {
  const { getServices } = await import('@/lib/checks/get-runner');
  return (await (await getServices()).runner.getCheck(id))?.status;
}
