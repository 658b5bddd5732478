import { describe, expect, it } from 'vitest';
import { loadEnv } from '@/lib/env';
import { describeStore, openCheckStore } from '@/lib/store/open-store';

describe('DATABASE_URL', () => {
  it('is optional: without it the embedded SQLite store is used, as before', async () => {
    const env = loadEnv({ DATA_DIR: ':memory:' });
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.DATABASE_POOL_SIZE).toBe(10);
    expect(loadEnv({ DATABASE_URL: '  ' }).DATABASE_URL).toBeUndefined();
    const store = await openCheckStore(env);
    try {
      expect(store.engine).toBe('sqlite');
      expect(describeStore(env)).toBe('sqlite :memory:');
    } finally {
      await store.close();
    }
  });

  it('accepts postgres:// and postgresql:// URLs naming a host and a database', () => {
    for (const url of ['postgres://mxray:secret@db.internal:5432/mxray', 'postgresql://127.0.0.1/mxray?sslmode=require']) {
      expect(loadEnv({ DATABASE_URL: url }).DATABASE_URL).toBe(url);
    }
  });

  it('stops the start with a message naming the variable, without echoing the password', () => {
    for (const [url, why] of [
      ['mysql://root:hunter2@db/mxray', /postgres:\/\/ URL/],
      ['not a url hunter2', /must be a URL/],
      ['postgres://root:hunter2@db.internal', /name a host and a database/],
    ] as const) {
      let message = '';
      try {
        loadEnv({ DATABASE_URL: url });
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message).toMatch(/DATABASE_URL/);
      expect(message).toMatch(why);
      expect(message).not.toContain('hunter2');
    }
    expect(() => loadEnv({ DATABASE_POOL_SIZE: '0' })).toThrow(/DATABASE_POOL_SIZE/);
  });

  it('is logged as engine, host and database only', () => {
    expect(describeStore({ DATA_DIR: 'x', DATABASE_URL: 'postgres://mxray:hunter2@db.internal:5433/mxray' })).toBe('postgres db.internal:5433/mxray');
  });
});
