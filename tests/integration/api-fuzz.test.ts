/**
 * Every API input, fuzzed with fast-check, through the exported route handlers: domain strings,
 * bodies, content types, ids, Last-Event-ID, methods. Whatever comes in, the answer is a success or
 * a clear 4xx JSON error `{ error: { code, message } }` — never a 500 — and a check only ever starts
 * for exactly the name the production validator accepted. The engine's real prepare() sits in front
 * of a recording fake run(), with production settings (special-use names such as .test refused).
 */
import fc from 'fast-check';
import { isIP } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POST as postCheck, GET as getCollection, PUT as putCollection, DELETE as deleteCollection } from '@/app/api/checks/route';
import { GET as getCheck, POST as postToCheck } from '@/app/api/checks/[id]/route';
import { GET as getEvents, DELETE as deleteEvents } from '@/app/api/checks/[id]/events/route';
import { GET as getHealth, POST as postHealth } from '@/app/api/health/route';
import { setServicesForTests } from '@/lib/checks/get-runner';
import { createTokenBucketLimiter } from '@/lib/checks/rate-limit';
import { createRunner, type Runner } from '@/lib/checks/runner';
import { ApiErrorSchema, CreateCheckResponseSchema, MAX_BODY_BYTES } from '@/lib/http/api-schemas';
import { ERROR_STATUS } from '@/lib/http/problem';
import { normalizeDomain } from '@/lib/probe/domain-name';
import { silentLogger } from '@/lib/probe/types';
import type { CheckStore } from '@/lib/store/check-store';
import { createSqliteStore } from '@/lib/store/sqlite-store';
import type { FakeEngine } from '@/tests/fixtures/fake-engine';
import { createRecordingEngine } from '@/tests/fixtures/recording-engine';

const BASE = 'http://127.0.0.1';
const RUNS = Number(process.env.FUZZ_RUNS ?? 300);

let engine: FakeEngine;
let runner: Runner;
let store: CheckStore;
let knownId: string;

beforeAll(async () => {
  engine = createRecordingEngine({ allowSpecialUse: false });
  store = createSqliteStore({ file: ':memory:' });
  // Room for every valid name the fuzzer invents: saturation (503) is not what is tested here.
  runner = createRunner({ engine, store, logger: silentLogger, maxConcurrent: 10_000, queueSize: 10_000, dedupeWindowMs: 60_000 });
  setServicesForTests({
    runner,
    store,
    rateLimiter: createTokenBucketLimiter({ perMinute: 1_000_000, burst: 1_000_000 }),
    trustProxy: false,
    logger: silentLogger,
  });
  const res = await post(JSON.stringify({ domain: 'example.com' }));
  knownId = CreateCheckResponseSchema.parse(await res.json()).id;
});

afterAll(async () => {
  setServicesForTests(undefined);
  await runner.shutdown(0);
  await store.close();
});

function post(body: BodyInit | null, contentType: string | null = 'application/json', extra: Record<string, string> = {}): Promise<Response> {
  const headers: Record<string, string> = { ...extra };
  if (contentType !== null) headers['content-type'] = contentType;
  return postCheck(new Request(`${BASE}/api/checks`, { method: 'POST', headers, body, ...(body instanceof ReadableStream ? { duplex: 'half' } : {}) } as RequestInit));
}

/** A refusal must be a 4xx with the one error shape, its status matching its code. */
async function expectClientError(res: Response): Promise<{ code: string; message: string }> {
  expect(res.status, 'never a server error').toBeLessThan(500);
  expect(res.status).toBeGreaterThanOrEqual(400);
  expect(res.headers.get('content-type') ?? '').toMatch(/^application\/json/);
  const { error } = ApiErrorSchema.parse(await res.json());
  expect(ERROR_STATUS[error.code]).toBe(res.status);
  expect(error.message.length).toBeGreaterThan(0);
  return error;
}

/** What a started check may be of: a public-looking LDH name, never an IP, local or special-use name. */
function expectSafeTarget(domain: string): void {
  expect(domain.length).toBeLessThanOrEqual(253);
  expect(domain).toMatch(/^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/);
  expect(isIP(domain)).toBe(0);
  expect(domain).not.toMatch(/(^|\.)(localhost|local|internal|lan|localdomain|home\.arpa|test|example|invalid|onion|alt)$/);
  expect(domain).not.toMatch(/\.\d+$/);
}

/**
 * Posts one domain string; either a check of exactly its normalised form starts (or is reused), or
 * a 4xx explains why not — and then no check started.
 */
async function postDomain(domain: string): Promise<void> {
  const before = engine.runs.length;
  const res = await post(JSON.stringify({ domain }));
  const expected = normalizeDomain(domain, { allowSpecialUse: false });
  if (res.status === 200 || res.status === 201) {
    const body = CreateCheckResponseSchema.parse(await res.json());
    expect(expected.ok, `accepted ${JSON.stringify(domain)}`).toBe(true);
    const started = engine.runs.slice(before);
    expect(started.length).toBeLessThanOrEqual(1);
    const check = await runner.getCheck(body.id);
    expect(check?.target.domain).toBe(expected.ok ? expected.ascii : null);
    expectSafeTarget(check!.target.domain);
    for (const r of started) expect(r.target.domain).toBe(check!.target.domain);
    return;
  }
  const error = await expectClientError(res);
  expect(expected.ok, `refused ${JSON.stringify(domain)} (${error.message}) although the validator accepts it`).toBe(false);
  expect(error.code).toMatch(/^(invalid_input|payload_too_large)$/);
  expect(engine.runs.length).toBe(before);
}

// --- generators -------------------------------------------------------------------------------

const ldh = fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,20}[a-z0-9])?$/);
const label = fc.oneof(
  ldh,
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 12 }),
  fc.constantFrom('xn--', 'xn--zz', 'xn--bcher-kva', 'XN--BCHER-KVA', 'xn--a', '-a', 'a-', 'a--b', '_dmarc', 'ß', 'ς', 'İ', 'ﬀ', 'bücher', 'ｅｘａｍｐｌｅ', '例え', 'مثال', '\u200d', '\u200b', '\u00ad', '\u202e', '👍', '🏳️‍🌈', '\u0301a'),
  fc.integer({ min: 64, max: 80 }).map((n) => 'a'.repeat(n)),
  fc.nat({ max: 255 }).map(String),
  // full-width digits become ASCII digits (and maybe an IPv4 address) only inside the host parser
  fc.nat({ max: 255 }).map((n) => String(n).replace(/[0-9]/g, (d) => String.fromCharCode(0xff10 + Number(d)))),
  fc.constantFrom('0x7f', '0', '00', '1e1'),
);
const separator = fc.constantFrom('.', '.', '.', '。', '．', '｡', '..', ' . ', '\r\n', '\n', '\t', '\u0000', '/', ':', '@', '%2e');
const tld = fc.constantFrom('com', 'org', 'de', 'xn--p1ai', 'рф', '中国', 'test', 'example', 'invalid', 'localhost', 'local', 'internal', 'lan', 'onion', 'alt', 'arpa', 'home.arpa', '123', '0x7f', '', 'co.uk');
const domainLike = fc
  .tuple(fc.array(fc.tuple(label, separator), { minLength: 0, maxLength: 5 }), tld, fc.constantFrom('', '.', '..', ' ', '\r\n', '\u3002'), fc.constantFrom('', ' ', '\t', 'http://', 'mailto:x@'))
  .map(([parts, t, tail, head]) => `${head}${parts.map(([l, s]) => `${l}${s}`).join('')}${t}${tail}`);
const ipLike = fc.oneof(
  fc.ipV4(),
  fc.ipV6(),
  fc.ipV6().map((a) => `[${a}]`),
  fc.ipV4().map((a) => `::ffff:${a}`),
  fc.constantFrom('127.1', '0x7f.0.0.1', '2130706433', '0177.0.0.1', '127.0.0.1.', '[::1]', '::1', '0.0.0.0', '169.254.169.254', 'localhost', 'LOCALHOST.', 'a.localhost', 'metadata.google.internal', 'printer.local', 'router.lan', 'x.home.arpa'),
);
const longName = fc.integer({ min: 254, max: 1100 }).map((n) => Array.from({ length: Math.ceil(n / 10) }, (_, i) => `label${i}`).join('.').slice(0, n).replace(/\.$/, 'x') + '.com');
const anyString = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 80 }), fc.string({ unit: 'binary', maxLength: 80 }), fc.string({ maxLength: 80 }));
const domainInput = fc.oneof(domainLike, ipLike, longName, anyString);

// --- properties -------------------------------------------------------------------------------

describe('POST /api/checks: domain strings', () => {
  it('any domain string: a check of exactly its normalised name, or a clear 4xx and no check', async () => {
    await fc.assert(fc.asyncProperty(domainInput, postDomain), { numRuns: RUNS * 3 });
  });

  it('the documented edge cases', async () => {
    const cases = [
      'a'.repeat(64) + '.com', 'a'.repeat(63) + '.com', `${'abcdefghi.'.repeat(30)}com`, 'example.com.', 'example.com..', '.example.com',
      'exa mple.com', 'example.com\r\nX-Injected: 1', 'example.com\n', ' example.com ', '👍.com', 'xn--ls8h.com', 'bücher.de', 'BÜCHER.DE.',
      'xn--bcher-kva.de', 'xn--zz.com', 'xn--.com', 'ﬀ.com', 'ß.de', 'fa\u00df.de', 'a\u200db.com', 'a\u00adb.com', '\u202eexample.com',
      'ｅｘａｍｐｌｅ．ｃｏｍ', '例え。テスト', 'localhost', 'mail.localhost', '127.0.0.1', '[::1]', '::ffff:10.0.0.1', '10.0.0.1.nip.io',
      'example.test', 'example.123', 'user@example.com', 'https://example.com/', 'example.com:25', '', ' ', '\u0000', 'x'.repeat(1024), 'x'.repeat(1025),
    ];
    for (const c of cases) await postDomain(c);
  });
});

describe('POST /api/checks: bodies', () => {
  it('arbitrary text bodies are refused with a 4xx unless they are a valid request', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string({ maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 200 }), fc.json({ maxDepth: 4 })), async (text) => {
        const before = engine.runs.length;
        const res = await post(text);
        if (res.status >= 400) {
          await expectClientError(res);
          expect(engine.runs.length).toBe(before);
        } else {
          // only a JSON object with a valid domain (and optional mode) gets this far
          const body = JSON.parse(text) as { domain: string };
          expect(normalizeDomain(body.domain).ok).toBe(true);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('wrong types, unknown fields and bad modes are invalid_input, naming the problem', async () => {
    const value = fc.oneof(fc.constant(null), fc.boolean(), fc.double(), fc.integer(), fc.array(fc.string(), { maxLength: 3 }), fc.object({ maxDepth: 2 }));
    const bodies = fc.oneof(
      value.map((domain) => ({ domain })),
      fc.tuple(fc.string({ minLength: 1, maxLength: 20 }).filter((k) => k !== 'domain' && k !== 'mode' && k !== '__proto__'), fc.jsonValue()).map(([k, v]) => ({ domain: 'example.com', [k]: v })),
      fc.string({ maxLength: 20 }).filter((m) => m !== 'domain' && m !== 'host').map((mode) => ({ domain: 'example.com', mode })),
      fc.oneof(fc.constant(null), fc.integer(), fc.string(), fc.array(fc.jsonValue(), { maxLength: 3 })),
      fc.constant({ domain: 'example.com', __proto__: { mode: 'host' } }),
      fc.constant(JSON.parse('{"domain":"example.com","__proto__":{"admin":true}}') as unknown),
      fc.constant({}),
    );
    await fc.assert(
      fc.asyncProperty(bodies, async (b) => {
        const before = engine.runs.length;
        const res = await post(JSON.stringify(b));
        const text = JSON.stringify(b);
        if (res.status < 400) {
          // the literal __proto__ object spread above is an ordinary valid body
          expect(JSON.parse(text)).toEqual({ domain: 'example.com' });
          return;
        }
        const error = await expectClientError(res);
        expect(['invalid_input', 'invalid_json']).toContain(error.code);
        expect(engine.runs.length).toBe(before);
      }),
      { numRuns: RUNS },
    );
  });

  it('oversized bodies are 413, with or without Content-Length, however they are chunked', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: MAX_BODY_BYTES + 1, max: 64 * 1024 }), fc.boolean(), fc.integer({ min: 1, max: 9000 }), async (size, declare, chunk) => {
        const json = JSON.stringify({ domain: 'example.com', pad: 'x'.repeat(size) });
        const bytes = new TextEncoder().encode(json);
        const body = declare
          ? bytes
          : new ReadableStream<Uint8Array>({
              start(c) {
                for (let i = 0; i < bytes.length; i += chunk) c.enqueue(bytes.slice(i, i + chunk));
                c.close();
              },
            });
        const before = engine.runs.length;
        const error = await expectClientError(await post(body));
        expect(error.code).toBe('payload_too_large');
        expect(engine.runs.length).toBe(before);
      }),
      { numRuns: 60 },
    );
  });

  it('a Content-Length that lies, empty bodies, invalid UTF-8, truncation and deep nesting are 4xx', async () => {
    const valid = JSON.stringify({ domain: 'example.com' });
    const cases: [BodyInit | null, Record<string, string>][] = [
      [null, {}],
      ['', {}],
      [new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), {}],
      ['['.repeat(MAX_BODY_BYTES - 10), {}],
      ['{"domain":"example.com"', {}],
      [valid, { 'content-length': String(10 * MAX_BODY_BYTES) }],
    ];
    for (const [body, headers] of cases) {
      const before = engine.runs.length;
      await expectClientError(await post(body, 'application/json', headers));
      expect(engine.runs.length).toBe(before);
    }
  });

  it('a leading UTF-8 byte order mark is ignored, as RFC 8259 §8.1 allows, and changes nothing', async () => {
    const res = await post(`\uFEFF${JSON.stringify({ domain: 'example.com' })}`);
    expect(res.status).toBe(200);
    expect(CreateCheckResponseSchema.parse(await res.json())).toMatchObject({ id: knownId, deduped: true });
  });
});

describe('POST /api/checks: content types', () => {
  it('anything but JSON in UTF-8 is 415, even with a valid JSON body', async () => {
    const type = fc.oneof(
      fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'text/json', 'application/json; charset=latin1', 'application/json; charset=utf-16', 'application/jsonx', 'json', '*/*', ''),
      fc.string({ maxLength: 40 }).filter((t) => !/^\s*application\/([a-z0-9.+-]+\+)?json\s*(;|$)/i.test(t)),
    );
    await fc.assert(
      fc.asyncProperty(type, async (t) => {
        let res: Response;
        try {
          res = await post(JSON.stringify({ domain: 'example.org' }), t);
        } catch {
          return; // a header value the Fetch API itself refuses never reaches a server
        }
        const error = await expectClientError(res);
        expect(error.code).toBe('unsupported_media_type');
      }),
      { numRuns: RUNS },
    );
    expect((await expectClientError(await post(JSON.stringify({ domain: 'example.org' }), null))).code).toBe('unsupported_media_type');
  });
});

describe('ids, Last-Event-ID and methods', () => {
  const ctx = (id: string) => ({ params: Promise.resolve({ id }) });
  const idLike = fc.oneof(
    fc.string({ maxLength: 60 }),
    fc.string({ unit: 'grapheme', maxLength: 30 }),
    fc.stringMatching(/^[A-Za-z0-9_-]{22}$/),
    fc.constantFrom('../../etc/passwd', '%2e%2e%2f', 'x'.repeat(5000), "' OR 1=1 --", '\u0000'),
  );

  it('any id: a check, or 400/404 JSON', async () => {
    await fc.assert(
      fc.asyncProperty(idLike, async (id) => {
        for (const handler of [getCheck, getEvents]) {
          const res = await handler(new Request(`${BASE}/api/checks/x`), ctx(id));
          if (id === knownId) {
            expect(res.status).toBe(200);
            await res.body?.cancel();
            continue;
          }
          const error = await expectClientError(res);
          expect(['invalid_input', 'not_found']).toContain(error.code);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('any Last-Event-ID: a replay, 204, or a 400 JSON error', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string({ maxLength: 30 }), fc.nat().map(String), fc.constantFrom('-1', '1e3', '0x10', '99999999999', ' 3 ', '3.5')), async (last) => {
        let req: Request;
        try {
          req = new Request(`${BASE}/api/checks/${knownId}/events`, { headers: { 'last-event-id': last } });
        } catch {
          return;
        }
        const res = await getEvents(req, ctx(knownId));
        if (res.status === 200 || res.status === 204) {
          await res.body?.cancel();
          expect(/^\s*\d{1,9}\s*$/.test(last) || last.trim() === '').toBe(true);
          return;
        }
        expect((await expectClientError(res)).code).toBe('invalid_input');
      }),
      { numRuns: RUNS },
    );
  });

  it('unsupported methods are 405 JSON with an Allow header', async () => {
    const responses = [
      await getCollection(),
      await putCollection(),
      await deleteCollection(),
      await postToCheck(),
      await deleteEvents(),
      await postHealth(),
    ];
    for (const res of responses) {
      expect(res.headers.get('allow')).toBeTruthy();
      expect((await expectClientError(res)).code).toBe('method_not_allowed');
    }
    expect((await getHealth()).status).toBe(200);
  });
});
