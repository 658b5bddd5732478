import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from '@/lib/history/cursor';
import { createCheckQueries } from '@/lib/checks/check-queries';
import { newCheckId } from '@/lib/store/check-id';
import { createSqliteStore } from '@/lib/store/sqlite-store';
import { fakeResult, fakeTarget } from '@/tests/fixtures/fake-engine';

async function seed() {
  const store = createSqliteStore({ file: ':memory:' });
  const ids: string[] = [];
  // Five done checks of x.test, two sharing a created_at (ties are broken by id, never skipped).
  for (const createdAt of [1_000, 2_000, 3_000, 3_000, 4_000]) {
    const id = newCheckId();
    await store.createCheck({ id, target: fakeTarget('x.test'), createdAt });
    await store.finishCheck(id, fakeResult(fakeTarget('x.test')), createdAt + 500);
    ids.push(id);
  }
  const running = newCheckId();
  await store.createCheck({ id: running, target: fakeTarget('x.test'), createdAt: 5_000 });
  const otherDomain = newCheckId();
  await store.createCheck({ id: otherDomain, target: fakeTarget('y.test'), createdAt: 6_000 });
  const hostMode = newCheckId();
  await store.createCheck({ id: hostMode, target: fakeTarget('x.test', 'host'), createdAt: 7_000 });
  return { store, ids, running };
}

describe('domain history', () => {
  it('pages newest first through every domain-mode check of the domain exactly once', async () => {
    const { store, running } = await seed();
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await createCheckQueries(store).historyPage('x.test', { limit: 2, ...(cursor ? { before: decodeCursor(cursor)! } : {}) });
      seen.push(...page.checks.map((c) => c.id));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toHaveLength(6);
    expect(new Set(seen).size).toBe(6);
    expect(seen[0]).toBe(running);
    const all = await store.listDomainChecks('x.test', { limit: 100 });
    const times = all.map((c) => c.createdAt);
    expect(times).toEqual([...times].sort((a, b) => b - a));
    await store.close();
  });

  it('gives each entry its verdict, duration and per-port answers; a running check has none yet', async () => {
    const { store } = await seed();
    const page = await createCheckQueries(store).historyPage('x.test', { limit: 2 });
    expect(page.checks[0]).toMatchObject({ status: 'running', verdict: null, durationMs: null, ports: [] });
    const done = page.checks[1]!;
    expect(done.status).toBe('done');
    expect(done.verdict).not.toBeNull();
    expect(done.ports.map((p) => p.port)).toEqual([25, 465, 587, 2525]);
    await store.close();
  });

  it('finds the finished check just before a given one, skipping running ones', async () => {
    const { store, ids, running } = await seed();
    const latest = (await store.getCheck(running))!;
    expect((await createCheckQueries(store).previousDone(latest))?.id).toBe(ids[4]);
    const first = (await store.getCheck(ids[0]!))!;
    expect(await createCheckQueries(store).previousDone(first)).toBeNull();
    await store.close();
  });

  it('compares two done checks of one domain, and refuses running checks or different domains', async () => {
    const { store, ids, running } = await seed();
    const ok = await createCheckQueries(store).compare(ids[0]!, ids[4]!);
    expect(ok.ok).toBe(true);
    expect(await createCheckQueries(store).compare(ids[0]!, running)).toEqual({ ok: false, reason: 'not-ready', id: running });
    const unknown = newCheckId();
    expect(await createCheckQueries(store).compare(unknown, ids[0]!)).toEqual({ ok: false, reason: 'not-found', id: unknown });
    const y = newCheckId();
    await store.createCheck({ id: y, target: fakeTarget('y.test'), createdAt: 1 });
    await store.finishCheck(y, fakeResult(fakeTarget('y.test')), 2);
    expect(await createCheckQueries(store).compare(y, ids[0]!)).toEqual({ ok: false, reason: 'different-targets' });
    await store.close();
  });

  it('never lists unlisted checks, nor offers one as the previous check or a feed entry', async () => {
    const { store, running } = await seed();
    const hidden = newCheckId();
    await store.createCheck({ id: hidden, target: fakeTarget('x.test'), createdAt: 4_500, visibility: 'unlisted' });
    await store.finishCheck(hidden, fakeResult(fakeTarget('x.test')), 4_600);
    const all = await store.listDomainChecks('x.test', { limit: 100 });
    expect(all.map((c) => c.id)).not.toContain(hidden);
    expect(all).toHaveLength(6);
    const done = await store.listDomainChecks('x.test', { limit: 100, doneOnly: true });
    expect(done.map((c) => c.id)).not.toContain(hidden);
    const latest = (await store.getCheck(running))!;
    expect((await createCheckQueries(store).previousDone(latest))?.id).not.toBe(hidden);
    await store.close();
  });

  it('round-trips cursors and refuses malformed ones', () => {
    const c = { createdAt: 1_700_000_000_123, id: newCheckId() };
    expect(decodeCursor(encodeCursor(c))).toEqual(c);
    expect(decodeCursor('')).toBeNull();
    expect(decodeCursor('not a cursor!')).toBeNull();
    expect(decodeCursor(Buffer.from('12.short').toString('base64url'))).toBeNull();
    expect(decodeCursor(Buffer.from(`x.${c.id}`).toString('base64url'))).toBeNull();
  });
});
