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

async function seed(store: ReturnType<typeof createSqliteStore>, domain: string, finishedAt: number | 'running' | { interruptedAt: number }) {
  const id = newCheckId();
  const target = fakeTarget(domain);
  await store.createCheck({ id, target, createdAt: NOW - 40 * DAY });
  for (const e of fakeEvents(target)) if (e.type !== 'check-done') await store.appendEvent(id, e);
  // bulk, so freed pages are worth reclaiming
  for (let i = 0; i < 20; i++) await store.appendEvent(id, { type: 'probe-connected', host: `mx.${'x'.repeat(2000)}.${i}`, address: '127.50.0.10', port: 25, ms: 1 });
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
    for (let i = 0; i < 60; i++) old.push(await seed(store, `old${i}.test`, NOW - 31 * DAY));
    const interrupted = await seed(store, 'cut.test', { interruptedAt: NOW - 2 * 3_600_000 });
    const recent = await seed(store, 'recent.test', NOW - 29 * DAY);
    const justCut = await seed(store, 'justcut.test', { interruptedAt: NOW - 60_000 });
    const running = await seed(store, 'running.test', 'running');
    const db = new Database(file);
    db.pragma('wal_checkpoint(TRUNCATE)');
    const before = fs.statSync(file).size;

    expect(await purgeOnce({ store, logger: silentLogger, retentionDays: 30, now: () => NOW })).toEqual({ checks: 61 });

    for (const id of [...old, interrupted]) expect(await store.getCheck(id)).toBeNull();
    for (const id of [recent, justCut, running]) expect(await store.getCheck(id)).not.toBeNull();
    expect(await store.listEvents(old[0]!)).toEqual([]);
    expect((db.prepare('SELECT COUNT(*) AS n FROM check_events').get() as { n: number }).n).toBeGreaterThan(0);
    expect(db.pragma('auto_vacuum', { simple: true })).toBe(2);
    expect(db.pragma('freelist_count', { simple: true })).toBe(0);
    expect(fs.statSync(file).size).toBeLessThan(before / 4);
    db.close();
    await store.close();
  });

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
