/**
 * Retention on a real SQLite file: old finished and interrupted checks go with their events,
 * recent and running ones stay, and the file shrinks (auto_vacuum = INCREMENTAL from migration 2,
 * also on a database created before it).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { purgeOnce } from '@/lib/checks/retention';
import { silentLogger } from '@/lib/probe/types';
import { MIGRATIONS, migrate } from '@/lib/store/migrations';
import { createSqliteStore } from '@/lib/store/sqlite-store';
import { newCheckId } from '@/lib/store/check-id';
import { fakeEvents, fakeResult, fakeTarget } from '@/tests/fixtures/fake-engine';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 5, 1);
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});
function tempFile(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mxray-retention-'));
  dirs.push(dir);
  return path.join(dir, 'mxray.sqlite');
}

/**
 * A stored check with its events; `bulk` adds that many 2 kB events, so the freed pages of a purged
 * check are worth reclaiming. Only checks the purge must delete get bulk: every append is its own
 * SQLite transaction, and seeding is most of this file's run time.
 */
async function seed(store: ReturnType<typeof createSqliteStore>, domain: string, finishedAt: number | 'running' | { interruptedAt: number }, bulk = 0) {
  const id = newCheckId();
  const target = fakeTarget(domain);
  await store.createCheck({ id, target, createdAt: NOW - 40 * DAY });
  for (const e of fakeEvents(target)) if (e.type !== 'check-done') await store.appendEvent(id, e);
  for (let i = 0; i < bulk; i++) await store.appendEvent(id, { type: 'probe-connected', host: `mx.${'x'.repeat(2000)}.${i}`, address: '127.50.0.10', port: 25, ms: 1 });
  if (finishedAt === 'running') return id;
  if (typeof finishedAt === 'object') await store.markInterrupted(id, 'restart', finishedAt.interruptedAt);
  else await store.finishCheck(id, fakeResult(target), finishedAt);
  return id;
}

describe('retention', () => {
  it('deletes done checks past RETENTION_DAYS and interrupted ones past the grace, keeps the rest, shrinks the file', async () => {
    const file = tempFile();
    const store = createSqliteStore({ file });
    const old = [];
    // 20 old checks (one purge batch holds 200: the count does not matter to the purge) with 20
    // bulk events each: ~0.8 MB to free, against a few kB kept
    for (let i = 0; i < 20; i++) old.push(await seed(store, `old${i}.test`, NOW - 31 * DAY, 20));
    const interrupted = await seed(store, 'cut.test', { interruptedAt: NOW - 2 * 3_600_000 }, 20);
    const recent = await seed(store, 'recent.test', NOW - 29 * DAY);
    const justCut = await seed(store, 'justcut.test', { interruptedAt: NOW - 60_000 });
    const running = await seed(store, 'running.test', 'running');
    const db = new Database(file);
    db.pragma('wal_checkpoint(TRUNCATE)');
    const before = fs.statSync(file).size;

    expect(await purgeOnce({ store, logger: silentLogger, retentionDays: 30, now: () => NOW })).toEqual({ checks: 21 });

    for (const id of [...old, interrupted]) expect(await store.getCheck(id)).toBeNull();
    for (const id of [recent, justCut, running]) expect(await store.getCheck(id)).not.toBeNull();
    expect(await store.listEvents(old[0]!)).toEqual([]);
    expect((db.prepare('SELECT COUNT(*) AS n FROM check_events').get() as { n: number }).n).toBeGreaterThan(0);
    expect(db.pragma('auto_vacuum', { simple: true })).toBe(2);
    expect(db.pragma('freelist_count', { simple: true })).toBe(0);
    expect(fs.statSync(file).size).toBeLessThan(before / 4);
    db.close();
    await store.close();
    // ~700 SQLite transactions to seed: about a second alone, several on a loaded shared machine;
    // the bound only catches a hang.
  }, 20_000);

  it('RETENTION_DAYS=0 keeps done checks forever', async () => {
    const store = createSqliteStore({ file: tempFile() });
    const id = await seed(store, 'kept.test', NOW - 3_000 * DAY);
    expect(await purgeOnce({ store, logger: silentLogger, retentionDays: 0, now: () => NOW })).toEqual({ checks: 0 });
    expect(await store.getCheck(id)).not.toBeNull();
    await store.close();
  });

  it('migration 2 converts a database created before it to incremental auto-vacuum', () => {
    const file = tempFile();
    const v1 = new Database(file);
    v1.pragma('journal_mode = WAL');
    migrate(v1, MIGRATIONS.filter((m) => m.version === 1));
    expect(v1.pragma('auto_vacuum', { simple: true })).toBe(0);
    v1.close();
    const store = createSqliteStore({ file });
    const db = new Database(file, { readonly: true });
    expect(db.pragma('auto_vacuum', { simple: true })).toBe(2);
    expect((db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number }).v).toBe(MIGRATIONS.at(-1)!.version);
    db.close();
    void store.close();
  });
});
