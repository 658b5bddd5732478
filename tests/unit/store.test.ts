import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CheckStoreError, StoreCorruptionError, type CheckStore } from '@/lib/store/check-store';
import { isCheckId, newCheckId } from '@/lib/store/check-id';
import { MIGRATIONS, migrate } from '@/lib/store/migrations';
import { createSqliteStore } from '@/lib/store/sqlite-store';
import { fakeEvents, fakeResult, fakeTarget } from '@/tests/fixtures/fake-engine';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mxray-store-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

async function started(store: CheckStore, domain = 'example.test', createdAt = 1_000) {
  const id = newCheckId();
  await store.createCheck({ id, target: fakeTarget(domain), createdAt });
  return id;
}

describe('check ids', () => {
  it('are 22 URL-safe characters (128 random bits) and never repeat', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => newCheckId()));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(isCheckId(id)).toBe(true);
    expect(isCheckId('short')).toBe(false);
    expect(isCheckId('a'.repeat(21) + '/')).toBe(false);
    expect(isCheckId('a'.repeat(23))).toBe(false);
  });
});

describe('migrations', () => {
  it('create the schema in a new file, under a directory that did not exist, in WAL mode', async () => {
    const file = path.join(dir, 'nested', 'deeper', 'mxray.sqlite');
    const store = createSqliteStore({ file });
    await store.close();
    const db = new Database(file, { readonly: true });
    const versions = db.prepare('SELECT version FROM schema_migrations ORDER BY version').all() as { version: number }[];
    expect(versions.map((v) => v.version)).toEqual(MIGRATIONS.map((m) => m.version));
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[];
    expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(['checks', 'check_events', 'schema_migrations']));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('apply nothing twice when a database is opened again, and keep its data', async () => {
    const file = path.join(dir, 'mxray.sqlite');
    const first = createSqliteStore({ file });
    const id = await started(first);
    await first.close();

    const db = new Database(file);
    expect(migrate(db)).toEqual([]);
    expect((db.prepare('SELECT COUNT(*) AS n FROM schema_migrations').get() as { n: number }).n).toBe(MIGRATIONS.length);
    db.close();

    const again = createSqliteStore({ file });
    expect((await again.getCheck(id))?.status).toBe('running');
    await again.close();
  });

  it('apply only the versions a database does not have yet, in order', () => {
    const db = new Database(':memory:');
    const extra = [
      ...MIGRATIONS,
      { version: MIGRATIONS.length + 2, name: 'second', sql: 'CREATE TABLE t2 (x INTEGER) STRICT' },
      { version: MIGRATIONS.length + 1, name: 'first', sql: 'CREATE TABLE t1 (x INTEGER) STRICT' },
    ];
    expect(migrate(db)).toEqual(MIGRATIONS.map((m) => m.version));
    expect(migrate(db, extra)).toEqual([MIGRATIONS.length + 1, MIGRATIONS.length + 2]);
    expect(migrate(db, extra)).toEqual([]);
    db.close();
  });

  it('refuse a database written by a newer build', () => {
    const db = new Database(':memory:');
    migrate(db);
    db.prepare("INSERT INTO schema_migrations VALUES (999, 'future', '2030-01-01')").run();
    expect(() => migrate(db)).toThrow(/newer than this build/);
    db.close();
  });
});

describe('SQLite check store', () => {
  let store: CheckStore;
  beforeEach(() => {
    store = createSqliteStore({ file: ':memory:', now: () => 5_000 });
  });
  afterEach(async () => {
    await store.close();
  });

  it('creates a running check and reads it back', async () => {
    const id = await started(store, 'example.test', 1_234);
    expect(await store.getCheck(id)).toEqual({
      id,
      domain: 'example.test',
      mode: 'domain',
      target: fakeTarget('example.test'),
      status: 'running',
      createdAt: 1_234,
      finishedAt: null,
      result: null,
      error: null,
    });
    expect(await store.getCheck(newCheckId())).toBeNull();
  });

  it('numbers events 1, 2, 3 … per check and lists them in order after a given seq', async () => {
    const a = await started(store, 'a.test');
    const b = await started(store, 'b.test');
    const events = fakeEvents(fakeTarget('a.test'));
    const seqs: number[] = [];
    for (const e of events) {
      seqs.push(await store.appendEvent(a, e));
      if (seqs.length === 2) expect(await store.appendEvent(b, e)).toBe(1);
    }
    expect(seqs).toEqual(events.map((_, i) => i + 1));
    expect((await store.listEvents(a)).map((e) => e.event)).toEqual(events);
    const tail = await store.listEvents(a, 4);
    expect(tail.map((e) => e.seq)).toEqual(events.slice(4).map((_, i) => i + 5));
    expect(tail[0]?.event).toEqual(events[4]);
    expect(await store.listEvents(b)).toHaveLength(1);
    expect(await store.listEvents(a, events.length)).toEqual([]);
  });

  it('rejects an event that does not match the schema', async () => {
    const id = await started(store);
    await expect(store.appendEvent(id, { type: 'dns-done' } as never)).rejects.toThrow();
    expect(await store.listEvents(id)).toEqual([]);
  });

  it('stores the result on finish, and a finished check is immutable', async () => {
    const id = await started(store);
    const result = fakeResult(fakeTarget('example.test'));
    await store.finishCheck(id, result, 9_000);
    const done = await store.getCheck(id);
    expect(done).toMatchObject({ status: 'done', finishedAt: 9_000, result });

    await expect(store.finishCheck(id, result)).rejects.toMatchObject({ code: 'finished' });
    await expect(store.appendEvent(id, { type: 'check-done', result })).rejects.toBeInstanceOf(CheckStoreError);
    expect(await store.markInterrupted(id, 'late')).toBe(false);
    expect(await store.getCheck(id)).toEqual(done);
  });

  it('refuses writes to an unknown check', async () => {
    const result = fakeResult(fakeTarget('example.test'));
    const unknown = newCheckId();
    await expect(store.finishCheck(unknown, result)).rejects.toMatchObject({ code: 'not-found' });
    await expect(store.appendEvent(unknown, { type: 'check-done', result })).rejects.toMatchObject({ code: 'not-found' });
  });

  it('marks one check interrupted with its reason, once', async () => {
    const id = await started(store);
    expect(await store.markInterrupted(id, 'shutdown')).toBe(true);
    expect(await store.getCheck(id)).toMatchObject({ status: 'interrupted', error: 'shutdown', finishedAt: 5_000 });
    expect(await store.markInterrupted(id, 'again')).toBe(false);
    await expect(store.appendEvent(id, fakeEvents(fakeTarget('example.test'))[0]!)).rejects.toMatchObject({
      code: 'finished',
    });
  });

  it('at start, marks every check a previous process left running interrupted, never its own', async () => {
    const file = path.join(dir, 'mxray.sqlite');
    const previous = createSqliteStore({ file });
    const r1 = await started(previous, 'one.test');
    const r2 = await started(previous, 'two.test');
    const done = await started(previous, 'three.test');
    await previous.finishCheck(done, fakeResult(fakeTarget('three.test')));
    await previous.close();
    const next = createSqliteStore({ file });
    const mine = await started(next, 'four.test');
    expect(await next.markRunningInterrupted()).toBe(2);
    expect((await next.getCheck(r1))?.status).toBe('interrupted');
    expect((await next.getCheck(r2))?.error).toBe('restart');
    expect((await next.getCheck(done))?.status).toBe('done');
    expect((await next.getCheck(mine))?.status).toBe('running');
    expect(await next.markRunningInterrupted()).toBe(0);
    await next.close();
  });

  it('finds a running check, or one finished within the window, for the same domain and mode', async () => {
    const t = (ms: number) => createSqliteStore({ file: ':memory:', now: () => ms });
    const s = t(10_000);
    const old = newCheckId();
    await s.createCheck({ id: old, target: fakeTarget('x.test'), createdAt: 1_000 });
    await s.finishCheck(old, fakeResult(fakeTarget('x.test')), 2_000);
    expect((await s.findRecent('x.test', 'domain', 1_500))?.id).toBe(old);
    expect(await s.findRecent('x.test', 'domain', 2_001)).toBeNull();
    expect(await s.findRecent('x.test', 'host', 0)).toBeNull();
    expect(await s.findRecent('y.test', 'domain', 0)).toBeNull();

    const running = newCheckId();
    await s.createCheck({ id: running, target: fakeTarget('x.test'), createdAt: 3_000 });
    expect((await s.findRecent('x.test', 'domain', 9_999_999))?.id).toBe(running);

    await s.markInterrupted(running, 'shutdown');
    expect(await s.findRecent('x.test', 'domain', 2_001)).toBeNull();
    await s.close();
  });

  it('answers ping, and fails it once closed', async () => {
    await expect(store.ping()).resolves.toBeUndefined();
    await store.close();
    await expect(store.ping()).rejects.toThrow();
  });
});

describe('JSON validated on read (validateOnRead, as tests and tools ask)', () => {
  function seeded() {
    const file = path.join(dir, 'mxray.sqlite');
    createSqliteStore({ file, validateOnRead: true }).close();
    return file;
  }

  it('reports a corrupt result with the check id and the field at fault', async () => {
    const file = seeded();
    const db = new Database(file);
    const target = fakeTarget('bad.test');
    const broken = { ...fakeResult(target), summary: { verdict: 'splendid' } };
    db.prepare(
      "INSERT INTO checks (id, domain, mode, input, status, created_at, finished_at, result) VALUES (?, ?, 'domain', ?, 'done', 1, 2, ?)",
    ).run('corruptcorruptcorrupt1', 'bad.test', JSON.stringify(target), JSON.stringify(broken));
    db.close();

    const store = createSqliteStore({ file, validateOnRead: true });
    const err = await store.getCheck('corruptcorruptcorrupt1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreCorruptionError);
    expect((err as Error).message).toMatch(/check corruptcorruptcorrupt1: stored result does not match its schema \(summary\./);
    await expect(store.findRecent('bad.test', 'domain', 0)).rejects.toBeInstanceOf(StoreCorruptionError);
    await store.close();
  });

  it('reports an event that is not JSON', async () => {
    const file = seeded();
    const store = createSqliteStore({ file, validateOnRead: true });
    const id = await started(store, 'bad.test');
    await store.appendEvent(id, fakeEvents(fakeTarget('bad.test'))[0]!);
    await store.close();
    const db = new Database(file);
    db.prepare('UPDATE check_events SET data = ? WHERE check_id = ?').run('{"type": "check-st', id);
    db.close();

    const reopened = createSqliteStore({ file, validateOnRead: true });
    await expect(reopened.listEvents(id)).rejects.toThrow(new RegExp(`check ${id}: event 1 is not valid JSON`));
    await reopened.close();
  });

  it('keeps finished rows immutable even for writes that bypass the store', () => {
    const file = seeded();
    const db = new Database(file);
    const target = fakeTarget('x.test');
    db.prepare(
      "INSERT INTO checks (id, domain, mode, input, status, created_at, finished_at, error) VALUES ('i', 'x.test', 'domain', ?, 'interrupted', 1, 2, 'shutdown')",
    ).run(JSON.stringify(target));
    expect(() => db.prepare("UPDATE checks SET status = 'running' WHERE id = 'i'").run()).toThrow(/check is finished/);
    expect(() =>
      db.prepare("INSERT INTO check_events VALUES ('i', 1, 'check-started', '{}', 1)").run(),
    ).toThrow(/check is not running/);
    db.close();
  });
});
