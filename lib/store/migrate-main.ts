/**
 * `npm run migrate`: brings the Postgres database named by DATABASE_URL to this build's schema
 * (the same migrations every instance applies at start), then exits. For deployments that migrate
 * before rolling out new instances.
 */
import pg from 'pg';
import { loadEnv } from '@/lib/env';
import { migratePostgres } from './pg-migrate';

export async function main(): Promise<number> {
  const env = loadEnv();
  if (!env.DATABASE_URL) {
    process.stderr.write('mxray migrate: DATABASE_URL is not set (the embedded SQLite store migrates itself on open)\n');
    return 2;
  }
  const client = new pg.Client({ connectionString: env.DATABASE_URL, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    const applied = await migratePostgres(client);
    process.stdout.write(applied.length ? `mxray migrate: applied ${applied.join(', ')}\n` : 'mxray migrate: schema up to date\n');
    return 0;
  } finally {
    await client.end();
  }
}
