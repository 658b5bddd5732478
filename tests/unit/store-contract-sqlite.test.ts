/**
 * The check store contract (tests/fixtures/store-contract.ts) on SQLite: a fresh file per test;
 * several stores on one file are several processes, one after the other (SQLite is one process
 * per file: no leases, a running check owned by another instance is a previous process's).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { createSqliteStore } from '@/lib/store/sqlite-store';
import { describeMonitorStoreContract } from '@/tests/fixtures/monitor-store-contract';
import { describeStoreContract } from '@/tests/fixtures/store-contract';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mxray-store-contract-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
let file = '';
let n = 0;

describeStoreContract('SQLite', {
  shared: false,
  async reset() {
    file = path.join(root, `${++n}.sqlite`);
  },
  async open({ now, owner, validateOnRead } = {}) {
    return createSqliteStore({ file, ...(now ? { now } : {}), ...(owner ? { owner } : {}), ...(validateOnRead ? { validateOnRead } : {}) });
  },
});

// Monitors live in the same file: the same contract as on Postgres.
describeMonitorStoreContract('SQLite', {
  async reset() {
    file = path.join(root, `${++n}.sqlite`);
  },
  async open() {
    return createSqliteStore({ file });
  },
});
