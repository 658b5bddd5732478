/**
 * Versioned schema migrations, applied in order on open. A migration is never edited once
 * released: changes come as a new version, so every existing database reaches the same schema.
 */
import type Database from 'better-sqlite3';

export interface Migration {
  version: number;
  name: string;
  sql: string;
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
  const apply = db.transaction(() => {
    const row = db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null };
    const current = row.v ?? 0;
    const newest = migrations.reduce((max, m) => Math.max(max, m.version), 0);
    if (current > newest) {
      throw new Error(`database schema version ${current} is newer than this build knows (${newest}); refusing to open it`);
    }
    const applied: number[] = [];
    const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      if (m.version <= current) continue;
      db.exec(m.sql);
      record.run(m.version, m.name, new Date().toISOString());
      applied.push(m.version);
    }
    return applied;
  });
  return apply.immediate();
}
