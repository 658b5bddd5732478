/**
 * POST /api/checks and GET /api/checks/:id/events beside Next's router (CHECK_POSTS_DIRECT,
 * SSE_DIRECT_STREAMS, lib/http/direct-route.ts) in the production build: the entry point's hook
 * claims every such request from the server's first on (the routes register at start,
 * instrumentation.ts), and the answer is the one Next gives for the same request (both carry the
 * same core, lib/http/check-create.ts and check-events.ts) — status, headers and body — for a new
 * check, a malformed body, an oversized one (declared and undeclared), a wrong media type, a
 * French error and a rate-limited client; and for event streams: a whole finished stream (its
 * headers and framing), a resume with Last-Event-ID, 204 for a stream fully seen, 404, an invalid
 * Last-Event-ID. Two servers side by side, the same requests in the same order: one direct, one
 * through Next. Only HTTP framing may differ (a JSON answer with Content-Length directly, chunked
 * through Next). DNS points at a closed loopback port (127.140.x, lane a's block): checks end
 * without probing.
 */
import { Agent, request as httpRequest } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProductionServer, type ProductionServer } from '@/tests/fixtures/production-server';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PROBE = fileURLToPath(new URL('../fixtures/direct-claims-probe.cjs', import.meta.url));
/** the per-connection headers Node writes itself, the clock, and the body's framing */
const TRANSPORT = new Set(['date', 'connection', 'keep-alive', 'content-length', 'transfer-encoding']);

let direct: ProductionServer;
let viaNext: ProductionServer;

beforeAll(async () => {
  const env = {
    DNS_SERVERS: '127.140.255.254:53',
    DNS_TIMEOUT_MS: '1000',
    // The fifth POST of a client is refused (one token a minute: none comes back during the test).
    RATE_LIMIT_BURST: '5',
    RATE_LIMIT_PER_MINUTE: '1',
    DEDUPE_WINDOW_SECONDS: '0',
    ALLOW_TEST_DOMAINS: 'true',
  };
  const start = (extra: Record<string, string>) =>
    startProductionServer({ root: ROOT, dataDir: mkdtempSync(join(tmpdir(), 'mxray-direct-post-')), env: { ...env, ...extra }, execArgv: ['--require', PROBE] });
  [direct, viaNext] = await Promise.all([start({}), start({ CHECK_POSTS_DIRECT: 'false', SSE_DIRECT_STREAMS: 'false' })]);
});

afterAll(async () => {
  await Promise.all([direct?.kill(), viaNext?.kill()]);
});

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** One raw HTTP/1.1 request, a POST by default (a body of `chunks`, chunked when no Content-Length is given). */
function post(
  server: ProductionServer,
  opts: { method?: string; path?: string; headers?: Record<string, string>; chunks: string[]; agent?: Agent; localAddress?: string },
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const options = { method: opts.method ?? 'POST', headers: opts.headers ?? {}, ...(opts.agent ? { agent: opts.agent } : {}), ...(opts.localAddress ? { localAddress: opts.localAddress } : {}) };
    const req = httpRequest(`${server.url}${opts.path ?? '/api/checks'}`, options, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => {
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(res.headers)) {
          if (!TRANSPORT.has(name) && value !== undefined) headers[name] = Array.isArray(value) ? value.join('\n') : value;
        }
        resolve({ status: res.statusCode ?? 0, headers, body });
      });
    });
    req.on('error', reject);
    for (const c of opts.chunks) req.write(c);
    req.end();
  });
}

/** The same request to both servers, one after the other; a new check's id made comparable. */
async function both(opts: Parameters<typeof post>[1]): Promise<[Answer, Answer]> {
  const a = await post(direct, opts);
  const b = await post(viaNext, opts);
  return [withoutId(a), withoutId(b)];
}

function withoutId(answer: Answer): Answer {
  const id = /"id":"([^"]+)"/.exec(answer.body)?.[1];
  if (!id) return answer;
  const strip = (s: string) => s.split(id).join('<id>');
  return { status: answer.status, body: strip(answer.body), headers: Object.fromEntries(Object.entries(answer.headers).map(([k, v]) => [k, strip(v)])) };
}

const claims = (server: ProductionServer, method = 'POST') => server.logs.join('').split('\n').filter((l) => l.startsWith(`mxray-direct-claim ${method} `));
const JSON_TYPE = { 'content-type': 'application/json' };

describe('POST /api/checks served beside Next', () => {
  it('answers a new check exactly as Next does, from the server’s first request on', async () => {
    const [a, b] = await both({ headers: JSON_TYPE, chunks: [JSON.stringify({ domain: 'direct-post-a.test' })] });
    expect(a.status).toBe(201);
    expect(a.headers['location']).toBe('/api/checks/<id>');
    expect(a.headers['cache-control']).toBe('no-store, no-transform');
    expect(a.headers['content-security-policy']).toContain("default-src 'none'");
    expect(a).toEqual(b);
    // Only the direct server's hook claimed it, and the Next one's never claims a POST.
    expect(claims(direct)).toEqual(['mxray-direct-claim POST /api/checks']);
    expect(claims(viaNext)).toEqual([]);
  });

  it('answers every refusal exactly as Next does: malformed, oversized, wrong type, in French, rate-limited', async () => {
    const refusals: [number, Parameters<typeof post>[1]][] = [
      [400, { headers: JSON_TYPE, chunks: ['{"domain": '] }],
      [413, { headers: { ...JSON_TYPE, 'content-length': '5000' }, chunks: [`{"domain":"${'a'.repeat(5000 - 13)}"}`] }],
      // no Content-Length: the cap holds while the chunked body streams in
      [413, { headers: JSON_TYPE, chunks: ['{"domain":"', 'b'.repeat(3000), 'b'.repeat(3000), '"}'] }],
      [415, { headers: { 'content-type': 'text/plain' }, chunks: ['domain=x.test'] }],
    ];
    for (const [status, request] of refusals) {
      const [a, b] = await both(request);
      expect(a.status).toBe(status);
      expect(a.headers['content-type']).toContain('application/json');
      expect(a).toEqual(b);
    }
    // The sixth POST of this client (its budget was 5): refused with Retry-After, in French here.
    const [a, b] = await both({ path: '/api/checks?lang=fr', headers: JSON_TYPE, chunks: [JSON.stringify({ domain: 'direct-post-b.test' })] });
    expect(a.status).toBe(429);
    expect(a.headers['content-language']).toBe('fr');
    // Retry-After counts down from each server's first POST: a clock, like Date, compared apart.
    for (const answer of [a, b]) expect(Number(answer.headers['retry-after'])).toBeGreaterThanOrEqual(50);
    expect({ ...a, headers: { ...a.headers, 'retry-after': '' } }).toEqual({ ...b, headers: { ...b.headers, 'retry-after': '' } });
    expect(claims(direct)).toHaveLength(6);
    expect(claims(viaNext)).toEqual([]);
  });

  it('keeps the connection usable after refusing a body it did not read', async () => {
    // This client is rate limited now: refused before its body is read. One keep-alive socket for
    // both requests: the unread 5,000 bytes must be drained, or the second answer never comes.
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const sockets = new Set<unknown>();
      agent.on('free', (socket) => sockets.add(socket));
      const first = await post(direct, { agent, headers: { ...JSON_TYPE, 'content-length': '5000' }, chunks: ['x'.repeat(5000)] });
      expect(first.status).toBe(429);
      const second = await post(direct, { agent, headers: JSON_TYPE, chunks: ['{}'] });
      expect(second.status).toBe(429);
      expect(sockets.size).toBe(1);
    } finally {
      agent.destroy();
    }
  });
});

/** The frames of an event stream: the lines of each, data lines without their (timed) content. */
function framing(body: string): string[] {
  return body
    .split('\n\n')
    .filter((f) => f !== '')
    .map((f) => f.replace(/^data: .*$/gm, 'data: …'));
}

/** A check created (from its own client address: the POST budget above is spent) and finished. */
async function finishedCheck(server: ProductionServer, domain: string): Promise<string> {
  const created = await post(server, { headers: JSON_TYPE, chunks: [JSON.stringify({ domain })], localAddress: '127.140.2.1' });
  expect(created.status).toBe(201);
  const id = (JSON.parse(created.body) as { id: string }).id;
  for (let i = 0; i < 200; i++) {
    const got = await post(server, { method: 'GET', path: `/api/checks/${id}`, chunks: [] });
    if (['done', 'interrupted'].includes((JSON.parse(got.body) as { status: string }).status)) return id;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`check ${id} did not end`);
}

describe('GET /api/checks/:id/events served beside Next', () => {
  it('streams a finished check, resumes after Last-Event-ID and answers 204 when all is seen, exactly as Next does', async () => {
    const ids = await Promise.all([finishedCheck(direct, 'direct-events-a.test'), finishedCheck(viaNext, 'direct-events-a.test')]);
    const get = (i: 0 | 1, headers: Record<string, string> = {}, query = '') =>
      post([direct, viaNext][i]!, { method: 'GET', path: `/api/checks/${ids[i]}/events${query}`, headers, chunks: [] });

    const [a, b] = [await get(0), await get(1)];
    expect(a.status).toBe(200);
    expect(a.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(a.headers['cache-control']).toBe('no-cache, no-transform');
    expect(a.headers['x-accel-buffering']).toBe('no');
    expect(a.headers['content-security-policy']).toContain("default-src 'none'");
    expect(a.headers).toEqual(b.headers);
    expect(a.body.startsWith(': mxray event stream\nretry: 3000\n\n')).toBe(true);
    const frames = framing(a.body);
    expect(frames[1]).toBe('id: 1\nevent: check-started\ndata: …');
    expect(frames.at(-1)).toMatch(/^id: \d+\nevent: check-done\ndata: …$/);
    expect(frames).toEqual(framing(b.body));

    // Resumed after seq 2 (the header, then the query parameter for clients that cannot set it).
    const [ra, rb] = [await get(0, { 'last-event-id': '2' }), await get(1, { 'last-event-id': '2' })];
    expect(ra.status).toBe(200);
    expect(framing(ra.body)).toEqual([frames[0], ...frames.slice(3)]);
    expect(framing(ra.body)).toEqual(framing(rb.body));
    expect(ra.headers).toEqual(rb.headers);
    const last = frames.length - 1;
    const [qa, qb] = [await get(0, {}, `?lastEventId=${last - 1}`), await get(1, {}, `?lastEventId=${last - 1}`)];
    expect(framing(qa.body)).toEqual([frames[0], frames[last]]);
    expect(framing(qa.body)).toEqual(framing(qb.body));

    // Fully seen: 204, so EventSource stops reconnecting.
    const [sa, sb] = [await get(0, { 'last-event-id': String(last) }), await get(1, { 'last-event-id': String(last) })];
    expect(sa.status).toBe(204);
    expect(sa.body).toBe('');
    expect(sa).toEqual(sb);
    expect(claims(direct, 'GET')).toHaveLength(4);
    expect(claims(viaNext, 'GET')).toEqual([]);
  });

  it('refuses an unknown check, an invalid Last-Event-ID and a malformed id exactly as Next does', async () => {
    const unknown = '/api/checks/AAAAAAAAAAAAAAAAAAAAAA/events';
    const requests: [number, Parameters<typeof post>[1]][] = [
      [404, { method: 'GET', path: unknown, chunks: [] }],
      [404, { method: 'GET', path: `${unknown}?lang=fr`, chunks: [] }],
      [400, { method: 'GET', path: unknown, headers: { 'last-event-id': 'soon' }, chunks: [] }],
      // not a check id: the direct route leaves it to Next, whose route refuses it the same way
      [400, { method: 'GET', path: '/api/checks/not-an-id/events', chunks: [] }],
    ];
    const before = claims(direct, 'GET').length;
    for (const [status, request] of requests) {
      const [a, b] = await both(request);
      expect(a.status).toBe(status);
      expect(a.headers['content-type']).toContain('application/json');
      expect(a).toEqual(b);
    }
    expect(claims(direct, 'GET').length - before).toBe(3);
    expect(claims(viaNext, 'GET')).toEqual([]);
  });
});
