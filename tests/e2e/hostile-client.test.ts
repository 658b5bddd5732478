/**
 * A hostile client against the real production server (scripts/mxray-server.cjs in front of the
 * standalone server.js, as the Dockerfile runs it), over loopback. Distinct clients are distinct
 * 127.110.x source addresses (localAddress). Checks resolve through a loopback DNS server whose zone
 * is empty (NXDOMAIN) or never answers (checks that stay running); no mail server is contacted.
 */
import http from 'node:http';
import { mkdtempSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDnsServer, type DnsServerHandle } from '@/tests/fixtures/dns-server';
import { startProductionServer, type ProductionServer } from '@/tests/fixtures/production-server';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ATTACKER = '127.110.0.1';
const VICTIM = '127.110.0.2';
const OTHER = '127.110.0.3';

let dns: DnsServerHandle;
let server: ProductionServer;

beforeAll(async () => {
  // 'stuck.test' names never get an answer: their checks stay running for DNS_TIMEOUT_MS.
  dns = await startDnsServer({ records: [], timeout: Array.from({ length: 10 }, (_, i) => `stuck${i}.test`) });
  server = await startProductionServer({
    root: ROOT,
    dataDir: mkdtempSync(join(tmpdir(), 'mxray-hostile-client-')),
    env: {
      DNS_SERVERS: dns.servers,
      ALLOW_TEST_DOMAINS: 'true',
      DNS_TIMEOUT_MS: '20000',
      CHECK_BUDGET_MS: '30000',
      RATE_LIMIT_BURST: '5',
      RATE_LIMIT_PER_MINUTE: '1',
      DEDUPE_WINDOW_SECONDS: '0',
      MAX_RUNNING_PER_CLIENT: '3',
      SERVER_HEADERS_TIMEOUT_MS: '1500',
      SERVER_MAX_CONNECTIONS_PER_CLIENT: '20',
    },
  });
});

afterAll(async () => {
  await server?.kill();
  await dns?.close();
});

/** POST /api/checks from a given loopback source address, with whatever headers a client likes. */
function post(from: string, domain: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ domain });
    const req = http.request(
      `${server.url}/api/checks`,
      { method: 'POST', localAddress: from, agent: false, headers: { 'content-type': 'application/json', ...headers } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function get(from: string, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get(`${server.url}${path}`, { localAddress: from, agent: false }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      })
      .on('error', reject);
  });
}

/** Waits (up to 10 s) until a check is no longer queued or running, as GET /api/checks/:id says. */
async function finished(from: string, id: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const status = await new Promise<string>((resolve, reject) => {
      http
        .get(`${server.url}/api/checks/${id}`, { localAddress: from, agent: false }, (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (text += c));
          res.on('end', () => resolve((JSON.parse(text) as { status?: string }).status ?? `HTTP ${res.statusCode}`));
        })
        .on('error', reject);
    });
    if (status !== 'queued' && status !== 'running') return;
    if (Date.now() > deadline) throw new Error(`check ${id} still ${status} after 10 s`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Retries a request that the server may refuse for a moment (a hang-up), up to 3 s. */
async function eventually(request: () => Promise<number>): Promise<number> {
  const deadline = Date.now() + 3_000;
  for (;;) {
    try {
      return await request();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

describe('a forged X-Forwarded-For (TRUST_PROXY unset)', () => {
  it('buys no extra budget: 30 checks with 30 forged addresses get the burst of 5, no more', async () => {
    const statuses: number[] = [];
    const refusals: string[] = [];
    for (let i = 0; i < 30; i++) {
      const forged = `203.0.113.${i + 1}`;
      const res = await post(ATTACKER, `forged${i}.test`, { 'x-forwarded-for': forged, 'x-mxray-client': forged });
      statuses.push(res.status);
      if (res.status === 201) {
        // The POST answers before the check has run: let this one (NXDOMAIN, quick) end, so the
        // cap on running checks (MAX_RUNNING_PER_CLIENT, tested below) never answers for the bucket.
        await finished(ATTACKER, (JSON.parse(res.body) as { id: string }).id);
      } else if (res.status === 429) {
        refusals.push((JSON.parse(res.body) as { error: { message: string } }).error.message);
      }
    }
    expect(statuses.filter((s) => s === 201)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(25);
    // Every refusal is the rate limit's, none the running cap's.
    expect(refusals.filter((m) => m.includes('running'))).toEqual([]);
  });

  it("does not drain a victim's bucket by forging the victim's address", async () => {
    for (let i = 0; i < 10; i++) {
      const res = await post(OTHER, `drain${i}.test`, { 'x-forwarded-for': VICTIM, 'x-mxray-client': VICTIM });
      expect([201, 429]).toContain(res.status);
    }
    // The victim's own five tokens are untouched.
    expect((await post(VICTIM, 'victim.test')).status).toBe(201);
  });
});

describe('checks running per client', () => {
  it('caps one client at MAX_RUNNING_PER_CLIENT running checks; other clients are unaffected', async () => {
    const from = '127.110.0.4';
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await post(from, `stuck${i}.test`, { 'x-forwarded-for': `198.51.100.${i}` })).status);
    expect(statuses.slice(0, 3)).toEqual([201, 201, 201]);
    const refused = await post(from, 'stuck4.test');
    expect(refused.status).toBe(429);
    expect(JSON.parse(refused.body)).toMatchObject({ error: { code: 'rate_limited', message: expect.stringContaining('running') } });
    expect((await post('127.110.0.5', 'stuck5.test')).status).toBe(201);
  });
});

describe('slowloris', () => {
  it('drops connections that never finish their headers, caps them per client, and keeps serving others', async () => {
    const from = '127.110.0.6';
    const sockets: net.Socket[] = [];
    const closed: Promise<void>[] = [];
    // 30 slow connections from one client: each sends half a request line and then nothing.
    for (let i = 0; i < 30; i++) {
      const s = net.connect({ host: '127.0.0.1', port: server.port, localAddress: from });
      s.on('error', () => {});
      // read (discard) what the server sends, so its 408 and its closing are seen here; the
      // server frees its side whether or not a client reads
      s.resume();
      closed.push(new Promise((r) => s.once('close', () => r())));
      s.write('GET /api/health HTTP/1.1\r\nHost: x\r\nX-Slow: ');
      sockets.push(s);
    }
    await new Promise((r) => setTimeout(r, 300));
    // Meanwhile another client is served at once.
    expect(await get('127.110.0.7', '/api/health')).toBe(200);
    // Every slow connection is closed by the server (those over the per-client cap at once, the rest
    // when the headers timeout fires) without the client ever closing one.
    await Promise.all(closed);
    expect(sockets.every((s) => s.destroyed)).toBe(true);
    // The client's side closes a moment before the server's own 'close' frees the per-client slot, so
    // the same client is served again once the server has seen its sockets go (retry for up to 3 s).
    expect(await eventually(() => get(from, '/api/health'))).toBe(200);
  });
});
