/**
 * The monitor scheduler contract (tests/fixtures/monitor-scheduler-contract.ts) against the
 * in-process scheduler of embedded mode, on a SQLite file that each "process" opens in turn.
 * tests/integration/monitor-scheduler-bullmq.test.ts runs the same contract against BullMQ.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { createRunner } from '@/lib/checks/runner';
import { createInProcessScheduler } from '@/lib/monitors/scheduler';
import { silentLogger } from '@/lib/probe/types';
import { createSqliteStore } from '@/lib/store/sqlite-store';
import { describeMonitorSchedulerContract } from '@/tests/fixtures/monitor-scheduler-contract';

const dir = mkdtempSync(join(tmpdir(), 'mxray-scheduler-contract-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let file = '';
let n = 0;

describeMonitorSchedulerContract('in-process (embedded mode, SQLite)', {
  async reset() {
    file = join(dir, `mxray-${++n}.sqlite`);
  },
  async open({ engine, deps, runner: shared }) {
    const store = createSqliteStore({ file });
    const runner = shared ?? createRunner({ engine, store, logger: silentLogger, maxConcurrent: 4, queueSize: 8, dedupeWindowMs: 0 });
    const scheduler = createInProcessScheduler({ ...deps(store, runner), pollMs: 100, maxConcurrentRuns: 4, maxConcurrentDeliveries: 4, ready: runner.ready });
    return {
      store,
      runner,
      scheduler,
      async crash() {
        await scheduler.stop(0);
        await runner.shutdown(0);
        await store.close();
      },
      async close() {
        await scheduler.stop(1_000);
        await runner.shutdown(1_000);
        await store.close();
      },
    };
  },
});
