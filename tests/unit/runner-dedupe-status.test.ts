/**
 * Requests that arrive together for one domain share one start; each must be told the check's real
 * status, including when the shared answer is a check that has already finished.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createRunner, type Runner } from '@/lib/checks/runner';
import { silentLogger } from '@/lib/probe/types';
import type { CheckStore } from '@/lib/store/check-store';
import { createSqliteStore } from '@/lib/store/sqlite-store';
import { createFakeEngine, createGate } from '@/tests/fixtures/fake-engine';

const cleanups: { runner: Runner; store: CheckStore }[] = [];
afterEach(async () => {
  for (const { runner, store } of cleanups.splice(0)) {
    await runner.shutdown(0);
    await store.close();
  }
});

function setup(engine = createFakeEngine(), maxConcurrent = 4) {
  const store = createSqliteStore({ file: ':memory:' });
  const runner = createRunner({ engine, store, logger: silentLogger, maxConcurrent, queueSize: 4, dedupeWindowMs: 60_000 });
  cleanups.push({ runner, store });
  return { runner, engine };
}

async function untilDone(runner: Runner, id: string) {
  for (let i = 0; i < 500; i++) {
    if ((await runner.getCheck(id))?.status === 'done') return;
    await new Promise((r) => setTimeout(r, 2));
  }
  throw new Error('check did not finish');
}

describe('status of deduped starts', () => {
  it('simultaneous requests answered with a finished check all say done', async () => {
    const { runner, engine } = setup();
    const first = await runner.start('example.test', 'domain', 'a');
    if (!first.ok) throw new Error('start failed');
    await untilDone(runner, first.id);
    const burst = await Promise.all(Array.from({ length: 5 }, (_, i) => runner.start('example.test', 'domain', `c${i}`)));
    expect(burst.map((b) => (b.ok ? `${b.id}:${b.status}:${b.deduped}` : 'refused'))).toEqual(
      Array.from({ length: 5 }, () => `${first.id}:done:true`),
    );
    expect(engine.runs).toHaveLength(1);
  });

  it('simultaneous requests for a new domain are told running, or queued while no slot is free', async () => {
    const hold = createGate();
    const { runner } = setup(createFakeEngine({ beforeEvent: () => hold.wait() }), 1);
    const busy = await runner.start('busy.test', 'domain', 'a');
    const burst = await Promise.all(Array.from({ length: 3 }, () => runner.start('example.test', 'domain', 'b')));
    expect(busy).toMatchObject({ ok: true, status: 'running' });
    expect(burst.map((b) => b.ok && b.status)).toEqual(['queued', 'queued', 'queued']);
    hold.open();
  });
});
