import { describe, expect, it } from 'vitest';
import { GET as feedRoute } from '@/app/domain/[domain]/feed.xml/route';
import { escapeXml, renderAtomFeed, uuidFor } from '@/lib/history/atom-feed';
import { setServicesForTests } from '@/lib/checks/get-runner';
import { createTokenBucketLimiter } from '@/lib/checks/rate-limit';
import { createRunner } from '@/lib/checks/runner';
import type { CheckResult } from '@/lib/probe/schema';
import { silentLogger } from '@/lib/probe/types';
import type { CheckRecord } from '@/lib/store/check-store';
import { newCheckId } from '@/lib/store/check-id';
import { createSqliteStore } from '@/lib/store/sqlite-store';
import { createFakeEngine } from '@/tests/fixtures/fake-engine';
import { SAMPLE_RESULT } from '@/tests/fixtures/sample-result';
import { parseXml, xmlText, type XmlElement } from '@/tests/fixtures/xml';

const ATOM = 'http://www.w3.org/2005/Atom';
// RFC 3339 date-time as RFC 4287 §3.3 requires (upper-case T and Z, seconds present).
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function record(createdAt: number, result: CheckResult, status: CheckRecord['status'] = 'done'): CheckRecord {
  return {
    id: newCheckId(), domain: 'example.test', mode: 'domain', target: result.target, status,
    createdAt, finishedAt: createdAt + 100, result: status === 'done' ? result : null, error: null,
  };
}

function kids(el: XmlElement, name: string): XmlElement[] {
  return el.children.filter((c): c is XmlElement => typeof c !== 'string' && c.name === name);
}

/** The constraints of RFC 4287 a reader relies on, checked on the parsed tree. */
function assertAtom(feed: XmlElement): void {
  expect(feed.name).toBe('feed');
  expect(feed.attrs.xmlns).toBe(ATOM);
  // §4.1.1: exactly one id, title, updated; an author unless every entry has one.
  for (const name of ['id', 'title', 'updated']) expect(kids(feed, name), `feed/${name}`).toHaveLength(1);
  expect(kids(feed, 'author').length).toBeGreaterThanOrEqual(1);
  expect(kids(kids(feed, 'author')[0]!, 'name')).toHaveLength(1);
  expect(xmlText(kids(feed, 'updated')[0]!)).toMatch(RFC3339);
  expect(() => new URL(xmlText(kids(feed, 'id')[0]!))).not.toThrow();
  // §4.1.1: at most one alternate link per type and hreflang; self link present (recommended).
  const links = kids(feed, 'link');
  expect(links.filter((l) => l.attrs.rel === 'alternate')).toHaveLength(1);
  expect(links.filter((l) => l.attrs.rel === 'self')).toHaveLength(1);
  const ids = new Set<string>();
  for (const entry of kids(feed, 'entry')) {
    for (const name of ['id', 'title', 'updated']) expect(kids(entry, name), `entry/${name}`).toHaveLength(1);
    expect(xmlText(kids(entry, 'updated')[0]!)).toMatch(RFC3339);
    const id = xmlText(kids(entry, 'id')[0]!);
    expect(id).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(ids.has(id), 'entry ids are unique').toBe(false);
    ids.add(id);
    // §4.1.2: an entry without content must have an alternate link; ours has both.
    expect(kids(entry, 'link').filter((l) => l.attrs.rel === 'alternate')).toHaveLength(1);
    const content = kids(entry, 'content');
    expect(content).toHaveLength(1);
    expect(content[0]!.attrs.type).toBe('html');
  }
}

describe('Atom feed of a domain', () => {
  it('has one entry per consecutive pair that changed, newest first, and is well-formed RFC 4287', () => {
    const a = structuredClone(SAMPLE_RESULT);
    const b = structuredClone(SAMPLE_RESULT); // same as a: no entry
    const c = structuredClone(SAMPLE_RESULT);
    c.probes.find((p) => p.port === 465 && p.tls)!.tls!.version = 'TLSv1.2';
    const d = structuredClone(c);
    d.summary.verdict = 'ok';
    const checks = [record(4_000, d), record(3_500, d, 'running'), record(3_000, c), record(2_000, b), record(1_000, a)];
    const xml = renderAtomFeed({ origin: 'https://mxray.example', domain: 'example.test', displayDomain: 'example.test', checks, now: 9_000 });
    const feed = parseXml(xml);
    assertAtom(feed);
    const entries = kids(feed, 'entry');
    expect(entries).toHaveLength(2);
    expect(xmlText(kids(entries[0]!, 'title')[0]!)).toBe('example.test: 1 change (All good)');
    expect(kids(entries[0]!, 'link')[0]!.attrs.href).toBe(`https://mxray.example/domain/example.test/compare?from=${checks[2]!.id}&to=${checks[0]!.id}`);
    // the escaped HTML content holds the change in words
    expect(xmlText(kids(entries[1]!, 'content')[0]!)).toContain('TLS version TLS 1.3 → TLS 1.2');
    expect(xmlText(kids(feed, 'updated')[0]!)).toBe(new Date(4_100).toISOString());
  });

  it('stays well-formed with markup and control characters in server-provided text', () => {
    const a = structuredClone(SAMPLE_RESULT);
    const b = structuredClone(SAMPLE_RESULT);
    b.probes.find((p) => p.tls)!.tls!.chain[0]!.issuer = 'CN=<script>&"\u0001evil\'';
    const xml = renderAtomFeed({ origin: 'https://mxray.example', domain: 'example.test', displayDomain: 'exa<mple>.test', checks: [record(2_000, b), record(1_000, a)], now: 1 });
    const feed = parseXml(xml);
    assertAtom(feed);
    expect(xml).not.toContain('<script>');
    expect(escapeXml('a\u0000b&')).toBe('ab&amp;');
  });

  it('is a valid feed without entries when there is no change yet', () => {
    const feed = parseXml(renderAtomFeed({ origin: 'http://x.test', domain: 'example.test', displayDomain: 'example.test', checks: [], now: 0 }));
    assertAtom(feed);
    expect(kids(feed, 'entry')).toHaveLength(0);
  });

  it('derives stable, distinct UUIDs', () => {
    expect(uuidFor('a')).toBe(uuidFor('a'));
    expect(uuidFor('a')).not.toBe(uuidFor('b'));
  });

  it('is served as application/atom+xml by the route, read from the store', async () => {
    const store = createSqliteStore({ file: ':memory:' });
    const runner = createRunner({ engine: createFakeEngine(), store, logger: silentLogger, maxConcurrent: 1, queueSize: 1, dedupeWindowMs: 0 });
    setServicesForTests({ runner, store, rateLimiter: createTokenBucketLimiter({ perMinute: 60, burst: 10 }), trustProxy: false, logger: silentLogger });
    try {
      const before = structuredClone(SAMPLE_RESULT);
      const after = structuredClone(SAMPLE_RESULT);
      after.dns.mxKind = 'implicit';
      for (const [t, r] of [[1_000, before], [2_000, after]] as const) {
        const id = newCheckId();
        await store.createCheck({ id, target: r.target, createdAt: t });
        await store.finishCheck(id, r, t + 1);
      }
      const res = await feedRoute(new Request('http://127.0.0.1:3000/domain/example.test/feed.xml', { headers: { host: '127.0.0.1:3000' } }), {
        params: Promise.resolve({ domain: 'example.test' }),
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/atom+xml; charset=utf-8');
      const feed = parseXml(await res.text());
      assertAtom(feed);
      expect(kids(feed, 'entry')).toHaveLength(1);
      expect(kids(feed, 'link').find((l) => l.attrs.rel === 'self')!.attrs.href).toBe('http://127.0.0.1:3000/domain/example.test/feed.xml');
    } finally {
      setServicesForTests(undefined);
      await runner.shutdown(0);
      await store.close();
    }
  });
});
