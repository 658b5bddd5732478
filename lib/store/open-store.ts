/**
 * The store the environment asks for: Postgres when DATABASE_URL is set (scaled mode), else the
 * SQLite file under DATA_DIR (embedded mode, nothing to install).
 */
import 'server-only';
import path from 'node:path';
import type { CheckStore } from './check-store';
import type { MonitorStore } from './monitor-store';

export interface StoreSettings {
  DATA_DIR: string;
  DATABASE_URL?: string | undefined;
  DATABASE_POOL_SIZE?: number;
}

/** Where the data lives, for logs: never the URL itself (it may hold a password). */
export function describeStore(env: StoreSettings): string {
  if (env.DATABASE_URL) {
    const u = new URL(env.DATABASE_URL);
    return `postgres ${u.hostname}${u.port ? `:${u.port}` : ''}${u.pathname}`;
  }
  return `sqlite ${sqliteFile(env)}`;
}

/** The SQLite file of embedded mode (the runner thread opens it too). */
export function sqliteFile(env: StoreSettings): string {
  return env.DATA_DIR === ':memory:' ? ':memory:' : path.join(env.DATA_DIR, 'mxray.sqlite');
}

/** The check store and, on the same database, the monitor store (one object, both interfaces). */
export async function openCheckStore(env: StoreSettings, opts: { owner?: string } = {}): Promise<CheckStore & MonitorStore> {
  if (env.DATABASE_URL) {
    const { openPostgresStore } = await import('./postgres-store');
    return openPostgresStore({ connectionString: env.DATABASE_URL, poolSize: env.DATABASE_POOL_SIZE, ...opts });
  }
  const { createSqliteStore } = await import('./sqlite-store');
  return createSqliteStore({ file: sqliteFile(env), ...opts });
}
