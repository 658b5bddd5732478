/**
 * Versioned schema migrations for Postgres: the files in lib/store/pg-migrations/ (NNNN_name.sql),
 * applied in order at start (openPostgresStore) or by `npm run migrate`. A file is never edited
 * once released: a change comes as the next number. Applied versions are recorded in
 * schema_migrations; all of it runs in one transaction under an advisory lock, so instances
 * starting together apply each migration once and a failed one leaves nothing half done.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ClientBase } from 'pg';

export interface PgMigration {
  version: number;
  name: string;
  sql: string;
}

/**
 * Where the files are. Relative to the working directory, which is the repository in development
 * and tests and the standalone server's directory in production (next.config.mjs traces the files
 * into it: outputFileTracingIncludes).
 */
export const PG_MIGRATIONS_DIR = path.join('lib', 'store', 'pg-migrations');

/** Arbitrary, fixed: the advisory lock key that serialises migrations between instances. */
const LOCK_KEY = 0x6d787279; // 'mxry'

export function loadPgMigrations(dir = PG_MIGRATIONS_DIR): PgMigration[] {
  const abs = path.resolve(dir);
  let files: string[];
  try {
    files = fs.readdirSync(abs);
  } catch (e) {
    throw new Error(`Postgres migrations not found in ${abs}: ${(e as Error).message}`);
  }
  const migrations = files
    .filter((f) => f.endsWith('.sql'))
    .map((f) => {
      const m = /^(\d{4})_([a-z0-9_-]+)\.sql$/.exec(f);
      if (!m) throw new Error(`${f}: a migration file is named NNNN_name.sql`);
      return { version: Number(m[1]), name: m[2]!, sql: fs.readFileSync(path.join(abs, f), 'utf8') };
    })
    .sort((a, b) => a.version - b.version);
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`Postgres migrations must be numbered 1, 2, 3… without gaps (found ${m.version} at position ${i + 1})`);
  });
  if (migrations.length === 0) throw new Error(`no Postgres migrations in ${abs}`);
  return migrations;
}

/** Brings the database to the newest version. Returns the versions applied now. */
export async function migratePostgres(client: ClientBase, migrations: readonly PgMigration[] = loadPgMigrations()): Promise<number[]> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version    integer PRIMARY KEY,
      name       text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const { rows } = await client.query<{ v: number | null }>('SELECT MAX(version) AS v FROM schema_migrations');
    const current = rows[0]?.v ?? 0;
    const newest = migrations.reduce((max, m) => Math.max(max, m.version), 0);
    if (current > newest) {
      throw new Error(`database schema version ${current} is newer than this build knows (${newest}); refusing to use it`);
    }
    const applied: number[] = [];
    for (const m of migrations) {
      if (m.version <= current) continue;
      await client.query(m.sql);
      await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
      applied.push(m.version);
    }
    await client.query('COMMIT');
    return applied;
  } catch (e) {
    await client.query('ROLLBACK').catch(() => {});
    throw e;
  }
}

/** For an instance that must not migrate: fails unless the database is at this build's version. */
export async function assertPgSchemaCurrent(client: ClientBase, migrations: readonly PgMigration[] = loadPgMigrations()): Promise<void> {
  const newest = migrations.reduce((max, m) => Math.max(max, m.version), 0);
  const { rows } = await client.query<{ t: string | null }>(`SELECT to_regclass('schema_migrations')::text AS t`);
  let current = 0;
  if (rows[0]?.t) {
    const v = await client.query<{ v: number | null }>('SELECT MAX(version) AS v FROM schema_migrations');
    current = v.rows[0]?.v ?? 0;
  }
  if (current > newest) throw new Error(`database schema version ${current} is newer than this build knows (${newest}); refusing to use it`);
  if (current < newest) throw new Error(`database schema version ${current}, this build needs ${newest}: run \`npm run migrate\``);
}
