/**
 * CheckStore on PostgreSQL (node-postgres), for scaled mode: several web instances and workers
 * share the database. Same model and semantics as the SQLite store (both pass
 * tests/fixtures/store-contract.ts); what differs:
 * - event seqs come from checks.last_seq, bumped under the check's row lock in the statement that
 *   inserts the event: gap-free and ordered per check whichever instance appends, so a seq is a
 *   valid SSE Last-Event-ID on every instance;
 * - ownership is leased (check-store.ts, Ownership): this instance renews the lease on its running
 *   checks every leaseMs / 3, and only checks whose lease expired count as a dead instance's;
 * - the schema comes from versioned files (pg-migrate.ts), applied when the store opens.
 * JSON columns are `json` read back as text, so both stores decode rows with record-codec.ts.
 */
import 'server-only';
import pg from 'pg';
import { CheckEventSchema, CheckInputSchema, CheckResultSchema, type CheckEvent, type CheckInput, type CheckMode, type CheckResult } from '@/lib/probe/schema';
import { CheckStoreError, type CheckStore, type CheckVisibility, type HistoryCursor, type StoredEvent } from './check-store';
import { newInstanceId } from './instance-id';
import type { MonitorStore } from './monitor-store';
import { assertPgSchemaCurrent, migratePostgres } from './pg-migrate';
import { createPostgresMonitorStore } from './postgres-monitor-store';
import { upgradeEvent } from '@/lib/probe/schema-upgrade';
import { parseJson, toRecord, type CheckRow } from './record-codec';

export interface PostgresStoreOptions {
  /** postgres://user:pass@host:port/db */
  connectionString: string;
  /** connections in the pool (DATABASE_POOL_SIZE) */
  poolSize?: number;
  now?: () => number;
  /** validate every JSON column with its zod schema on read too (tests); default: parse only */
  validateOnRead?: boolean;
  /** this instance's id (check-store.ts, Ownership); default: a new random one */
  owner?: string;
  /** how long a running check stays this instance's without a renewal; default 60 s */
  leaseMs?: number;
  /** apply pending migrations on open (default); false: refuse to open an outdated schema instead */
  migrate?: boolean;
}

const DEFAULT_LEASE_MS = 60_000;
const INT8_OID = 20;
const JSON_OID = 114;

/**
 * bigint columns hold ms since epoch (well inside 2^53): numbers, not strings. json columns stay
 * text: record-codec.ts parses them (and validates on demand) exactly as the SQLite store does.
 */
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID) return (v: string) => Number(v);
    if (oid === JSON_OID) return (v: string) => v;
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

const CHECK_COLUMNS = 'id, domain, mode, input, status, created_at, finished_at, result, error';

export async function openPostgresStore(options: PostgresStoreOptions): Promise<CheckStore & MonitorStore> {
  const now = options.now ?? Date.now;
  const validate = options.validateOnRead ?? false;
  const owner = options.owner ?? newInstanceId();
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.poolSize ?? 10,
    types,
    // A database that does not answer must fail a request, not hang it.
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    application_name: 'mxray',
  });
  // An idle connection the server drops (restart, failover) emits here; the pool replaces it.
  pool.on('error', () => {});

  try {
    const client = await pool.connect();
    try {
      if (options.migrate === false) {
        await assertPgSchemaCurrent(client);
      } else {
        await migratePostgres(client);
      }
    } finally {
      client.release();
    }
  } catch (e) {
    await pool.end().catch(() => {});
    throw e;
  }

  const one = async (sql: string, params: unknown[]): Promise<CheckRow | undefined> =>
    (await pool.query<CheckRow>(sql, params)).rows[0];

  /** Explains why a write to a check was refused. */
  async function refuse(id: string): Promise<never> {
    const row = (await pool.query<{ status: string }>('SELECT status FROM checks WHERE id = $1', [id])).rows[0];
    if (!row) throw new CheckStoreError('not-found', `check ${id} does not exist`);
    throw new CheckStoreError('finished', `check ${id} is ${row.status}; a finished check is immutable`);
  }

  const renew = async () => {
    await pool.query(`UPDATE checks SET lease_expires_at = $1 WHERE owner = $2 AND status = 'running'`, [now() + leaseMs, owner]);
  };
  let renewing: Promise<void> | undefined;
  const heartbeat = setInterval(() => {
    if (renewing) return;
    renewing = renew()
      .catch(() => {}) // a missed renewal is retried next time; the lease covers three of them
      .finally(() => {
        renewing = undefined;
      });
  }, Math.max(1_000, Math.floor(leaseMs / 3)));
  heartbeat.unref();
  let closed = false;

  return {
    // monitors (issue 13) on the same pool and database
    ...createPostgresMonitorStore(pool),
    engine: 'postgres',
    owner,

    async createCheck({ id, target, createdAt, visibility = 'public' }: { id: string; target: CheckInput; createdAt: number; visibility?: CheckVisibility }) {
      const t = CheckInputSchema.parse(target);
      await pool.query(
        `INSERT INTO checks (id, domain, mode, input, status, created_at, visibility, owner, lease_expires_at)
         VALUES ($1, $2, $3, $4, 'running', $5, $6, $7, $8)`,
        [id, t.domain, t.mode, JSON.stringify(t), createdAt, visibility, owner, now() + leaseMs],
      );
    },

    async getCheck(id: string) {
      const row = await one(`SELECT ${CHECK_COLUMNS} FROM checks WHERE id = $1`, [id]);
      return row ? toRecord(row, validate) : null;
    },

    async appendEvent(id: string, event: CheckEvent) {
      // Validated on the way in as well, so an engine bug surfaces where it happens.
      const e = CheckEventSchema.parse(event);
      // One statement: the UPDATE takes the check's row lock (appends to one check queue behind
      // each other) and yields the seq only while the check is running.
      const { rows } = await pool.query<{ seq: number }>(
        `WITH next AS (
           UPDATE checks SET last_seq = last_seq + 1 WHERE id = $1 AND status = 'running' RETURNING last_seq
         )
         INSERT INTO check_events (check_id, seq, type, data, created_at)
         SELECT $1, last_seq, $2, $3, $4 FROM next
         RETURNING seq`,
        [id, e.type, JSON.stringify(e), now()],
      );
      const seq = rows[0]?.seq;
      return seq ?? refuse(id);
    },

    async listEvents(id: string, afterSeq = 0): Promise<StoredEvent[]> {
      const { rows } = await pool.query<{ seq: number; data: string }>(
        'SELECT seq, data FROM check_events WHERE check_id = $1 AND seq > $2 ORDER BY seq',
        [id, afterSeq],
      );
      return rows.map((r) => ({ seq: r.seq, event: parseJson(CheckEventSchema, r.data, `check ${id}: event ${r.seq}`, validate, upgradeEvent) }));
    },

    async finishCheck(id: string, result: CheckResult, finishedAt = now()) {
      const json = JSON.stringify(CheckResultSchema.parse(result));
      const r = await pool.query(`UPDATE checks SET status = 'done', result = $1, finished_at = $2 WHERE id = $3 AND status = 'running'`, [
        json,
        finishedAt,
        id,
      ]);
      if (r.rowCount === 0) await refuse(id);
    },

    async markInterrupted(id: string, reason: string, finishedAt = now()) {
      const r = await pool.query(
        `UPDATE checks SET status = 'interrupted', error = $1, finished_at = $2 WHERE id = $3 AND status = 'running'`,
        [reason, finishedAt, id],
      );
      return (r.rowCount ?? 0) > 0;
    },

    async markRunningInterrupted(reason = 'restart') {
      const t = now();
      const r = await pool.query(
        `UPDATE checks SET status = 'interrupted', error = $1, finished_at = $2
          WHERE status = 'running' AND owner IS DISTINCT FROM $3 AND (lease_expires_at IS NULL OR lease_expires_at < $2)`,
        [reason, t, owner],
      );
      return r.rowCount ?? 0;
    },

    async claimCheck(id: string) {
      const r = await pool.query(`UPDATE checks SET owner = $1, lease_expires_at = $2 WHERE id = $3 AND status = 'running'`, [
        owner,
        now() + leaseMs,
        id,
      ]);
      return (r.rowCount ?? 0) > 0;
    },

    async findRecent(domain: string, mode: CheckMode, sinceMs: number) {
      const row = await one(
        `SELECT ${CHECK_COLUMNS} FROM checks WHERE domain = $1 AND mode = $2 AND visibility = 'public'
           AND (status = 'running' OR (status = 'done' AND finished_at >= $3))
         ORDER BY created_at DESC LIMIT 1`,
        [domain, mode, sinceMs],
      );
      return row ? toRecord(row, validate) : null;
    },

    async findLatestDone(domain: string, mode: CheckMode) {
      const row = await one(
        `SELECT ${CHECK_COLUMNS} FROM checks WHERE domain = $1 AND mode = $2 AND status = 'done' AND visibility = 'public'
         ORDER BY finished_at DESC, created_at DESC LIMIT 1`,
        [domain, mode],
      );
      return row ? toRecord(row, validate) : null;
    },

    async listDomainChecks(domain: string, opts: { limit: number; before?: HistoryCursor; doneOnly?: boolean }) {
      const before = opts.before ?? { createdAt: Number.MAX_SAFE_INTEGER, id: '' };
      const limit = Math.max(1, Math.trunc(opts.limit));
      // (created_at, id) < ($3, $4) as a row-value comparison: keyset pagination on checks_by_target
      // (ids compare byte-wise, as in SQLite: the column is COLLATE "C").
      const { rows } = await pool.query<CheckRow>(
        `SELECT ${CHECK_COLUMNS} FROM checks WHERE domain = $1 AND mode = 'domain' AND visibility = 'public'
           AND (NOT $2 OR status = 'done')
           AND (created_at, id) < ($3, $4)
         ORDER BY created_at DESC, id DESC LIMIT $5`,
        [domain, opts.doneOnly === true, before.createdAt, before.id, limit],
      );
      return rows.map((r) => toRecord(r, validate));
    },

    async purge({ doneBefore, interruptedBefore, batch = 200 }) {
      let checks = 0;
      // Small batches, each its own statement: a big purge must not hold locks on thousands of rows
      // while checks are being stored. Autovacuum gives the space back to later writes.
      for (;;) {
        const r = await pool.query(
          `DELETE FROM checks WHERE id IN (
             SELECT id FROM checks
              WHERE (status = 'done' AND finished_at < $1) OR (status = 'interrupted' AND finished_at < $2)
              LIMIT $3)`,
          [doneBefore, interruptedBefore, batch],
        );
        const n = r.rowCount ?? 0;
        checks += n;
        if (n < batch) break;
      }
      return { checks };
    },

    async ping() {
      await pool.query('SELECT 1');
    },

    async checkWritable() {
      // A read-only replica or a role that may not write fails here; nothing is changed.
      const client = await pool.connect();
      try {
        await client.query('BEGIN READ WRITE');
        try {
          await client.query(`SET LOCAL lock_timeout = '2s'`);
          await client.query('LOCK TABLE checks, check_events IN ROW EXCLUSIVE MODE');
        } finally {
          await client.query('ROLLBACK');
        }
      } finally {
        client.release();
      }
    },

    async close() {
      if (closed) return;
      closed = true;
      clearInterval(heartbeat);
      await renewing;
      await pool.end();
    },
  };
}
