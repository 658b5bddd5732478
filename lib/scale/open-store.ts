/**
 * The store a process of either tier opens from its configuration. (SQLite here; the Postgres
 * store selected by DATABASE_URL arrives with issue 11's store half.)
 */
import path from 'node:path';
import type { CheckStore } from '@/lib/store/check-store';
import { createSqliteStore } from '@/lib/store/sqlite-store';

export function openStore(env: { DATA_DIR: string }): { store: CheckStore; where: string } {
  const file = env.DATA_DIR === ':memory:' ? ':memory:' : path.join(env.DATA_DIR, 'mxray.sqlite');
  return { store: createSqliteStore({ file }), where: file };
}
