/**
 * Versioned schema migrations, applied in order on open. A migration is never edited once
 * released: changes come as a new version, so every existing database reaches the same schema.
 */
import type Database from 'better-sqlite3';

export interface Migration {
  version: number;
  name: string;
  sql: string;
  /**
   * runs outside the migration transaction (VACUUM and some pragmas refuse to run inside one);
   * such a migration must be idempotent, since a crash could leave it applied but not recorded
   */
  outsideTransaction?: boolean;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'checks and events',
    sql: `
      CREATE TABLE checks (
        id          TEXT PRIMARY KEY,
        domain      TEXT NOT NULL,
        mode        TEXT NOT NULL CHECK (mode IN ('domain', 'host')),
        input       TEXT NOT NULL,           -- CheckInput JSON
        status      TEXT NOT NULL CHECK (status IN ('running', 'done', 'interrupted')),
        created_at  INTEGER NOT NULL,        -- ms since epoch
        finished_at INTEGER,
        result      TEXT,                    -- CheckResult JSON, when done
        error       TEXT                     -- why it was interrupted
      ) STRICT;
      CREATE INDEX checks_by_target ON checks (domain, mode, created_at);
      CREATE INDEX checks_by_status ON checks (status);

      CREATE TABLE check_events (
        check_id   TEXT NOT NULL REFERENCES checks (id) ON DELETE CASCADE,
        seq        INTEGER NOT NULL,
        type       TEXT NOT NULL,
        data       TEXT NOT NULL,            -- CheckEvent JSON
        created_at INTEGER NOT NULL,
        PRIMARY KEY (check_id, seq)
      ) STRICT, WITHOUT ROWID;

      -- A finished check is immutable, whoever writes to the file.
      CREATE TRIGGER checks_finished_immutable BEFORE UPDATE ON checks
        WHEN OLD.status <> 'running'
        BEGIN SELECT RAISE(ABORT, 'check is finished'); END;
      CREATE TRIGGER check_events_only_while_running BEFORE INSERT ON check_events
        WHEN (SELECT status FROM checks WHERE id = NEW.check_id) IS NOT 'running'
        BEGIN SELECT RAISE(ABORT, 'check is not running'); END;
    `,
  },
  {
    version: 2,
    name: 'incremental auto-vacuum, finished-at index for retention',
    // Retention deletes old checks; INCREMENTAL lets it hand the freed pages back to the file
    // system (PRAGMA incremental_vacuum) a few at a time instead of a whole-file VACUUM. Switching
    // an existing file to it takes one VACUUM, done here once.
    outsideTransaction: true,
    sql: `
      PRAGMA auto_vacuum = INCREMENTAL;
      VACUUM;
      CREATE INDEX IF NOT EXISTS checks_by_finished ON checks (status, finished_at);
    `,
  },
  {
    version: 3,
    name: 'check visibility (unlisted checks are never found by domain)',
    sql: `
      ALTER TABLE checks ADD COLUMN visibility TEXT NOT NULL DEFAULT 'public' CHECK (visibility IN ('public', 'unlisted'));
    `,
  },
  {
    version: 4,
    name: 'check owner (the store instance running it; see lib/store/check-store.ts, Ownership)',
    // NULL for checks written before: no live instance owns them.
    sql: `
      ALTER TABLE checks ADD COLUMN owner TEXT;
    `,
  },
  {
    version: 5,
    name: 'monitors, webhook deliveries and their attempts',
    sql: `
      CREATE TABLE monitors (
        id               TEXT PRIMARY KEY,
        domain           TEXT NOT NULL,
        interval_sec     INTEGER NOT NULL CHECK (interval_sec > 0),
        conditions       TEXT NOT NULL,          -- MonitorConditions JSON
        targets          TEXT NOT NULL,          -- MonitorTarget[] JSON
        token_hash       TEXT NOT NULL UNIQUE,   -- SHA-256 hex of the capability token (never the token)
        signing_secret   TEXT NOT NULL,
        created_by       TEXT NOT NULL,          -- client key, for the per-client cap
        origin           TEXT NOT NULL,
        created_at       INTEGER NOT NULL,
        paused           INTEGER NOT NULL DEFAULT 0 CHECK (paused IN (0, 1)),
        next_run_at      INTEGER NOT NULL,
        last_check_id    TEXT,
        pending_since    INTEGER,
        pending_check_id TEXT
      ) STRICT;
      CREATE INDEX monitors_due ON monitors (paused, next_run_at);
      CREATE INDEX monitors_by_client ON monitors (created_by);

      CREATE TABLE monitor_deliveries (
        id              TEXT PRIMARY KEY,
        monitor_id      TEXT NOT NULL REFERENCES monitors (id) ON DELETE CASCADE,
        url             TEXT NOT NULL,
        payload         TEXT NOT NULL,          -- the exact body, signed on every attempt
        check_id        TEXT NOT NULL,
        status          TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
        attempts        INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER,
        created_at      INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX monitor_deliveries_due ON monitor_deliveries (status, next_attempt_at);
      CREATE INDEX monitor_deliveries_by_monitor ON monitor_deliveries (monitor_id, created_at);

      CREATE TABLE monitor_delivery_attempts (
        delivery_id TEXT NOT NULL REFERENCES monitor_deliveries (id) ON DELETE CASCADE,
        n           INTEGER NOT NULL,
        at          INTEGER NOT NULL,
        outcome     TEXT NOT NULL,
        http_status INTEGER,
        error       TEXT,
        duration_ms INTEGER NOT NULL,
        PRIMARY KEY (delivery_id, n)
      ) STRICT, WITHOUT ROWID;
    `,
  },
];

/**
 * Brings the database to the newest version inside one write transaction (so two processes
 * opening the same file cannot both apply a migration). Returns the versions applied now.
 */
export function migrate(db: Database.Database, migrations: readonly Migration[] = MIGRATIONS): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at TEXT NOT NULL
  ) STRICT`);
  const record = db.prepare('INSERT OR IGNORE INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  const sorted = [...migrations].sort((a, b) => a.version - b.version);
  /** Applies the pending migrations up to the first that must run outside a transaction. */
  const apply = db.transaction((): { applied: number[]; next?: Migration } => {
    const row = db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null };
    const current = row.v ?? 0;
    const newest = migrations.reduce((max, m) => Math.max(max, m.version), 0);
    if (current > newest) {
      throw new Error(`database schema version ${current} is newer than this build knows (${newest}); refusing to open it`);
    }
    const applied: number[] = [];
    for (const m of sorted) {
      if (m.version <= current) continue;
      if (m.outsideTransaction) return { applied, next: m };
      db.exec(m.sql);
      record.run(m.version, m.name, new Date().toISOString());
      applied.push(m.version);
    }
    return { applied };
  });
  const all: number[] = [];
  for (;;) {
    const { applied, next } = apply.immediate();
    all.push(...applied);
    if (!next) return all;
    db.exec(next.sql);
    record.run(next.version, next.name, new Date().toISOString());
    all.push(next.version);
  }
}
