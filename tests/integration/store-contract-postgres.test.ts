/**
 * The check store contract (tests/fixtures/store-contract.ts) on a real PostgreSQL, in a database
 * made for this run (mxray_test_<random>) and dropped after; tables emptied between tests. Several
 * stores on it are several live instances (web, workers) with leases. Then what only Postgres has:
 * versioned migration files, applied once however many instances start together.
 */
import { createCheckQueries } from '@/lib/checks/check-queries';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { loadPgMigrations, migratePostgres } from '@/lib/store/pg-migrate';
import { openPostgresStore } from '@/lib/store/postgres-store';
import { openCheckStore } from '@/lib/store/open-store';
import { readiness } from '@/lib/checks/readiness';
import type { Runner } from '@/lib/checks/runner';
import { newCheckId } from '@/lib/store/check-id';
import { describeMonitorStoreContract } from '@/tests/fixtures/monitor-store-contract';
import { describeStoreContract } from '@/tests/fixtures/store-contract';
import { fakeTarget } from '@/tests/fixtures/fake-engine';
import { freshDatabase, type FreshDatabase } from '@/tests/fixtures/test-services';

let db: FreshDatabase;
beforeAll(async () => {
  db = await freshDatabase();
});
afterAll(async () => {
  await db?.drop();
});

async function sql<R extends pg.QueryResultRow = Record<string, unknown>>(url: string, text: string, params: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(text, params)).rows;
  } finally {
    await client.end();
  }
}

describeStoreContract('PostgreSQL', {
  shared: true,
  async reset() {
    // the schema stays (applied by the first open); the data goes
    const tables = await sql<{ n: number }>(db.url, `SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 'checks'`);
    if (tables[0]?.n) await sql(db.url, 'TRUNCATE checks, check_events');
  },
  open: (opts = {}) => openPostgresStore({ connectionString: db.url, poolSize: 4, ...opts }),
});

describeMonitorStoreContract('PostgreSQL', {
  async reset() {
    const tables = await sql<{ n: number }>(db.url, `SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 'monitors'`);
    if (tables[0]?.n) await sql(db.url, 'TRUNCATE monitors, monitor_deliveries, monitor_delivery_attempts');
  },
  open: () => openPostgresStore({ connectionString: db.url, poolSize: 4 }),
});

describe('PostgreSQL store in the app', () => {
  it('is what DATABASE_URL selects, and readiness checks it', async () => {
    const store = await openCheckStore({ DATA_DIR: ':memory:', DATABASE_URL: db.url, DATABASE_POOL_SIZE: 2 });
    try {
      expect(store.engine).toBe('postgres');
      const runner = { accepting: () => true } as unknown as Runner;
      expect(await readiness({ runner, queries: createCheckQueries(store) })).toMatchObject({ ready: true, checks: { store: 'ok' } });
    } finally {
      await store.close();
    }
    const gone = await openPostgresStore({ connectionString: db.url });
    await gone.close();
    expect(await readiness({ runner: { accepting: () => true } as unknown as Runner, queries: createCheckQueries(gone) })).toMatchObject({ ready: false, checks: { store: 'error' } });
  });

  it('renews the lease on its running checks while it lives, so live checks are never swept', async () => {
    let t = 1_000_000;
    const a = await openPostgresStore({ connectionString: db.url, owner: 'renewing', leaseMs: 3_000, now: () => t });
    try {
      const id = newCheckId();
      await a.createCheck({ id, target: fakeTarget('lease.test'), createdAt: t });
      t += 100_000;
      // the heartbeat (every leaseMs / 3) moves the lease along with the instance's clock
      for (let i = 0; i < 100; i++) {
        const [row] = await sql<{ lease: string }>(db.url, 'SELECT lease_expires_at AS lease FROM checks WHERE id = $1', [id]);
        if (Number(row?.lease) >= t) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const b = await openPostgresStore({ connectionString: db.url, owner: 'sweeper', now: () => t + 1_000 });
      try {
        expect(await b.markRunningInterrupted('owner-lost')).toBe(0);
        expect((await b.getCheck(id))?.status).toBe('running');
      } finally {
        await b.close();
      }
    } finally {
      await a.close();
    }
  });
});

describe('PostgreSQL migrations', () => {
  it('apply every file once, record them in schema_migrations, and are not applied again', async () => {
    const fresh = await freshDatabase();
    try {
      const files = loadPgMigrations();
      expect(files.map((m) => m.version)).toEqual(files.map((_, i) => i + 1));
      // instances starting together: one applies, the others wait on the lock and find nothing to do
      const stores = await Promise.all([1, 2, 3].map(() => openPostgresStore({ connectionString: fresh.url, poolSize: 1 })));
      for (const s of stores) await s.close();
      const rows = await sql<{ version: number; name: string }>(fresh.url, 'SELECT version, name FROM schema_migrations ORDER BY version');
      expect(rows).toEqual(files.map((m) => ({ version: m.version, name: m.name })));
      const client = new pg.Client({ connectionString: fresh.url });
      await client.connect();
      try {
        expect(await migratePostgres(client)).toEqual([]);
        // a later file is applied on its own, in order
        const next = [...files, { version: files.length + 1, name: 'extra', sql: 'CREATE TABLE extra_test (x int)' }];
        expect(await migratePostgres(client, next)).toEqual([files.length + 1]);
        // a failing migration leaves nothing half done
        const broken = [...next, { version: files.length + 2, name: 'broken', sql: 'CREATE TABLE half (x int); SELECT no_such_function()' }];
        await expect(migratePostgres(client, broken)).rejects.toThrow(/no_such_function/);
        expect((await client.query(`SELECT to_regclass('half') AS t`)).rows[0]?.t).toBeNull();
        expect((await client.query('SELECT MAX(version) AS v FROM schema_migrations')).rows[0]?.v).toBe(files.length + 1);
      } finally {
        await client.end();
      }
    } finally {
      await fresh.drop();
    }
  });

  it('refuse a database written by a newer build, and an empty one when told not to migrate', async () => {
    const fresh = await freshDatabase();
    try {
      await expect(openPostgresStore({ connectionString: fresh.url, migrate: false })).rejects.toThrow(/npm run migrate/);
      await (await openPostgresStore({ connectionString: fresh.url })).close();
      await sql(fresh.url, `INSERT INTO schema_migrations (version, name) VALUES (999, 'future')`);
      await expect(openPostgresStore({ connectionString: fresh.url })).rejects.toThrow(/newer than this build/);
    } finally {
      await fresh.drop();
    }
  });

  it('keep a finished check immutable even for a write that bypasses the store', async () => {
    const store = await openPostgresStore({ connectionString: db.url });
    try {
      const id = newCheckId();
      await store.createCheck({ id, target: fakeTarget('raw.test'), createdAt: 1 });
      await store.markInterrupted(id, 'shutdown');
      await expect(sql(db.url, `UPDATE checks SET status = 'running' WHERE id = $1`, [id])).rejects.toThrow(/finished/);
      await expect(
        sql(db.url, `INSERT INTO check_events (check_id, seq, type, data, created_at) VALUES ($1, 99, 'x', '{}', 1)`, [id]),
      ).rejects.toThrow(/not running/);
    } finally {
      await store.close();
    }
  });
});
