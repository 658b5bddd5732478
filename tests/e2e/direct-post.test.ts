/**
 * POST /api/checks beside Next's router (CHECK_POSTS_DIRECT, lib/http/direct-route.ts) in the
 * production build: the entry point's hook claims every such POST from the server's first request
 * on (the route registers at start, instrumentation.ts), and the answer is the one Next gives for
 * the same request — status, headers and body — for a new check, a malformed body, an oversized
 * one (declared and undeclared), a wrong media type, a French error and a rate-limited client.
 * Two servers side by side, the same requests in the same order: one direct, one through Next.
 * DNS points at a closed loopback port (127.140.x, lane p's block): checks end without probing.
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
/** the per-connection headers Node writes itself, and the clock */
const TRANSPORT = new Set(['date', 'connection', 'keep-alive']);

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
  [direct, viaNext] = await Promise.all([start({}), start({ CHECK_POSTS_DIRECT: 'false' })]);
});

afterAll(async () => {
  await Promise.all([direct?.kill(), viaNext?.kill()]);
});

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** One raw HTTP/1.1 POST (a body of `chunks`, chunked when no Content-Length is given). */
function post(server: ProductionServer, opts: { path?: string; headers?: Record<string, string>; chunks: string[]; agent?: Agent }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${server.url}${opts.path ?? '/api/checks'}`, { method: 'POST', headers: opts.headers ?? {}, ...(opts.agent ? { agent: opts.agent } : {}) }, (res) => {
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

const claims = (server: ProductionServer) => server.logs.join('').split('\n').filter((l) => l.startsWith('mxray-direct-claim POST '));
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
    expect(a.headers['retry-after']).toMatch(/^\d+$/);
    expect(a.headers['content-language']).toBe('fr');
    expect(a).toEqual(b);
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
