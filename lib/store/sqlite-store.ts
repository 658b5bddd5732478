/**
 * CheckStore on SQLite (better-sqlite3): one file under DATA_DIR, WAL so SSE readers never block
 * the runner's writes. JSON columns are validated on write and parsed on read (record-codec.ts).
 * One process per file: a running check owned by another instance is a previous process's
 * leftover (check-store.ts, Ownership).
 */
import 'server-only';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import {
  CheckEventSchema,
  CheckInputSchema,
  CheckResultSchema,
  type CheckEvent,
  type CheckInput,
  type CheckMode,
  type CheckResult,
} from '@/lib/probe/schema';
import { CheckStoreError, type CheckStore, type HistoryCursor, type CheckVisibility, type StoredEvent } from './check-store';
import { newInstanceId } from './instance-id';
import { migrate } from './migrations';
import type { MonitorStore } from './monitor-store';
import { createSqliteMonitorStore } from './sqlite-monitor-store';
import { upgradeEvent } from '@/lib/probe/schema-upgrade';
import { parseJson, toRecord, type CheckRow } from './record-codec';

export interface SqliteStoreOptions {
  /** database file, or ':memory:' (tests) */
  file: string;
  /** ms to wait on a lock held by another connection before failing */
  busyTimeoutMs?: number;
  now?: () => number;
  /** validate every JSON column with its zod schema on read too (tests); default: parse only */
  validateOnRead?: boolean;
  /** this instance's id (check-store.ts, Ownership); default: a new random one */
  owner?: string;
  /**
   * better-sqlite3's native addon to use (a path). The runner thread passes the web thread's: two
   * copies of SQLite in one process do not see each other's POSIX locks, and one closing its file
   * drops the other's locks, which corrupts the database (sqlite.org/howtocorrupt.html, 2.2.1).
   */
  nativeBinding?: string;
}

/**
 * The embedded server's store-writer thread (lib/checks/store-writer-main.ts) writes with these:
 * JSON its callers already validated and serialised (the engine thread validates each event with
 * CheckEventSchema before sending it; see thread-executor.ts), each call one transaction, answered
 * synchronously so the thread's answers leave in the order of its writes.
 */
export interface SqliteTrustedWrites {
  /** a new check, and its first event as seq 1 when given, in one transaction */
  createWithEvent(check: { id: string; target: CheckInput; createdAt: number; visibility?: CheckVisibility }, first?: { type: string; json: string }): void;
  /** appends an event of a running check; its seq (CheckStoreError when the check is not running) */
  appendJson(id: string, type: string, json: string): number;
  /** stores the result of a running check ('done'; CheckStoreError when it is not running) */
  finishJson(id: string, resultJson: string, finishedAt: number): void;
  /** markInterrupted, synchronously: false when the check was not running */
  interrupt(id: string, reason: string, finishedAt: number): boolean;
}

/** One SQLite file holds checks and monitors: both interfaces on one object. */
export type SqliteStore = CheckStore & MonitorStore & { readonly trusted: SqliteTrustedWrites };

export function createSqliteStore(options: SqliteStoreOptions): SqliteStore {
  const now = options.now ?? Date.now;
  const validate = options.validateOnRead ?? false;
  const owner = options.owner ?? newInstanceId();
  if (options.file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(options.file)), { recursive: true });
  const db = new Database(options.file, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {});
  // WAL lets readers (SSE replays, GETs) proceed while the runner writes; NORMAL is durable
  // against a process crash in WAL mode, which is the failure we care about for a check log.
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma(`busy_timeout = ${Math.trunc(options.busyTimeoutMs ?? 5_000)}`);
  db.pragma('foreign_keys = ON');
  migrate(db);

  const q = {
    insertCheck: db.prepare(
      `INSERT INTO checks (id, domain, mode, input, status, created_at, visibility, owner) VALUES (?, ?, ?, ?, 'running', ?, ?, ?)`,
    ),
    getCheck: db.prepare('SELECT * FROM checks WHERE id = ?'),
    status: db.prepare('SELECT status FROM checks WHERE id = ?'),
    nextSeq: db.prepare('SELECT COALESCE(MAX(seq), 0) + 1 AS seq FROM check_events WHERE check_id = ?'),
    insertEvent: db.prepare('INSERT INTO check_events (check_id, seq, type, data, created_at) VALUES (?, ?, ?, ?, ?)'),
    listEvents: db.prepare('SELECT seq, data FROM check_events WHERE check_id = ? AND seq > ? ORDER BY seq'),
    finish: db.prepare(
      `UPDATE checks SET status = 'done', result = ?, finished_at = ? WHERE id = ? AND status = 'running'`,
    ),
    interrupt: db.prepare(
      `UPDATE checks SET status = 'interrupted', error = ?, finished_at = ? WHERE id = ? AND status = 'running'`,
    ),
    interruptOthers: db.prepare(
      `UPDATE checks SET status = 'interrupted', error = ?, finished_at = ? WHERE status = 'running' AND owner IS NOT ?`,
    ),
    claim: db.prepare(`UPDATE checks SET owner = ? WHERE id = ? AND status = 'running'`),
    findRecent: db.prepare(
      `SELECT * FROM checks WHERE domain = ? AND mode = ? AND visibility = 'public'
         AND (status = 'running' OR (status = 'done' AND finished_at >= ?))
       ORDER BY created_at DESC LIMIT 1`,
    ),
    findLatestDone: db.prepare(
      `SELECT * FROM checks WHERE domain = ? AND mode = ? AND status = 'done' AND visibility = 'public'
       ORDER BY finished_at DESC, created_at DESC LIMIT 1`,
    ),
    // (created_at, id) < (?, ?) as a row-value comparison: keyset pagination on checks_by_target.
    listDomain: db.prepare(
      `SELECT * FROM checks WHERE domain = ? AND mode = 'domain' AND visibility = 'public'
         AND (? = 0 OR status = 'done')
         AND (created_at, id) < (?, ?)
       ORDER BY created_at DESC, id DESC LIMIT ?`,
    ),
    ping: db.prepare('SELECT 1 AS ok'),
    purgeBatch: db.prepare(
      `DELETE FROM checks WHERE id IN (
         SELECT id FROM checks
          WHERE (status = 'done' AND finished_at < ?) OR (status = 'interrupted' AND finished_at < ?)
          LIMIT ?)`,
    ),
  };

  /** Explains why a write to a check was refused. */
  function refuse(id: string): never {
    const row = q.status.get(id) as { status: string } | undefined;
    if (!row) throw new CheckStoreError('not-found', `check ${id} does not exist`);
    throw new CheckStoreError('finished', `check ${id} is ${row.status}; a finished check is immutable`);
  }

  const appendJson = (id: string, type: string, json: string): number => {
    const row = q.status.get(id) as { status: string } | undefined;
    if (row?.status !== 'running') refuse(id);
    const { seq } = q.nextSeq.get(id) as { seq: number };
    q.insertEvent.run(id, seq, type, json, now());
    return seq;
  };
  const insertCheck = ({ id, target, createdAt, visibility = 'public' }: { id: string; target: CheckInput; createdAt: number; visibility?: CheckVisibility }) => {
    const t = CheckInputSchema.parse(target);
    q.insertCheck.run(id, t.domain, t.mode, JSON.stringify(t), createdAt, visibility, owner);
  };
  const trusted: SqliteTrustedWrites = {
    createWithEvent: db.transaction((check: Parameters<SqliteTrustedWrites['createWithEvent']>[0], first?: { type: string; json: string }) => {
      insertCheck(check);
      if (first) appendJson(check.id, first.type, first.json);
    }),
    appendJson: db.transaction(appendJson),
    finishJson: (id: string, resultJson: string, finishedAt: number) => {
      if (q.finish.run(resultJson, finishedAt, id).changes === 0) refuse(id);
    },
    interrupt: (id: string, reason: string, finishedAt: number) => q.interrupt.run(reason, finishedAt, id).changes > 0,
  };

  return {
    ...createSqliteMonitorStore(db),
    engine: 'sqlite',
    owner,
    trusted,

    async createCheck(check: { id: string; target: CheckInput; createdAt: number; visibility?: CheckVisibility }) {
      insertCheck(check);
    },

    async getCheck(id: string) {
      const row = q.getCheck.get(id) as CheckRow | undefined;
      return row ? toRecord(row, validate) : null;
    },

    async appendEvent(id: string, event: CheckEvent) {
      // Validated on the way in as well, so an engine bug surfaces where it happens.
      const valid = CheckEventSchema.parse(event);
      return trusted.appendJson(id, valid.type, JSON.stringify(valid));
    },

    async listEvents(id: string, afterSeq = 0): Promise<StoredEvent[]> {
      const rows = q.listEvents.all(id, afterSeq) as { seq: number; data: string }[];
      return rows.map((r) => ({ seq: r.seq, event: parseJson(CheckEventSchema, r.data, `check ${id}: event ${r.seq}`, validate, upgradeEvent) }));
    },

    async finishCheck(id: string, result: CheckResult, finishedAt = now()) {
      trusted.finishJson(id, JSON.stringify(CheckResultSchema.parse(result)), finishedAt);
    },

    async markInterrupted(id: string, reason: string, finishedAt = now()) {
      return trusted.interrupt(id, reason, finishedAt);
    },

    async markRunningInterrupted(reason = 'restart') {
      return q.interruptOthers.run(reason, now(), owner).changes;
    },

    async claimCheck(id: string) {
      return q.claim.run(owner, id).changes > 0;
    },

    async findRecent(domain: string, mode: CheckMode, sinceMs: number) {
      const row = q.findRecent.get(domain, mode, sinceMs) as CheckRow | undefined;
      return row ? toRecord(row, validate) : null;
    },

    async findLatestDone(domain: string, mode: CheckMode) {
      const row = q.findLatestDone.get(domain, mode) as CheckRow | undefined;
      return row ? toRecord(row, validate) : null;
    },

    async purge({ doneBefore, interruptedBefore, batch = 200 }) {
      let checks = 0;
      // Small batches, each its own transaction, yielding in between: a big purge must not hold the
      // write lock (or the event loop) for seconds while checks are being stored.
      for (;;) {
        const n = q.purgeBatch.run(doneBefore, interruptedBefore, batch).changes;
        checks += n;
        if (n < batch) break;
        await new Promise((r) => setImmediate(r));
      }
      if (checks > 0) {
        // auto_vacuum = INCREMENTAL (migration 2): give the freed pages back, a bounded number at a time.
        for (;;) {
          const free = (db.pragma('freelist_count', { simple: true }) as number) ?? 0;
          if (free === 0) break;
          db.pragma(`incremental_vacuum(${Math.min(free, 2_000)})`);
          // not in INCREMENTAL mode (a file the migration could not convert): nothing more to do
          if ((db.pragma('freelist_count', { simple: true }) as number) >= free) break;
          await new Promise((r) => setImmediate(r));
        }
        db.pragma('wal_checkpoint(TRUNCATE)');
      }
      return { checks };
    },

    async listDomainChecks(domain: string, opts: { limit: number; before?: HistoryCursor; doneOnly?: boolean }) {
      // Without a cursor the bound is "after every possible row": created_at below MAX_SAFE_INTEGER.
      const before = opts.before ?? { createdAt: Number.MAX_SAFE_INTEGER, id: '' };
      const limit = Math.max(1, Math.trunc(opts.limit));
      const rows = q.listDomain.all(domain, opts.doneOnly ? 1 : 0, before.createdAt, before.id, limit) as CheckRow[];
      return rows.map((r) => toRecord(r, validate));
    },

    async ping() {
      q.ping.get();
    },

    async checkWritable() {
      // Takes the write lock and lets it go: fails on a read-only file or a lock held too long.
      db.exec('BEGIN IMMEDIATE');
      db.exec('ROLLBACK');
    },

    async close() {
      if (db.open) db.close();
    },
  };
}
