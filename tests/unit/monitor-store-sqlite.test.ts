import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { createSqliteStore } from '@/lib/store/sqlite-store';
import { describeMonitorStoreContract } from '@/tests/fixtures/monitor-store-contract';

// A file, not :memory:, so several opened stores share the data as two processes would.
const dir = mkdtempSync(join(tmpdir(), 'mxray-monitor-contract-'));
let n = 0;
let file = '';
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeMonitorStoreContract('sqlite', {
  async reset() {
    file = join(dir, `monitors-${++n}.sqlite`);
  },
  async open() {
    return createSqliteStore({ file });
  },
});
