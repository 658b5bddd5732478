/**
 * The mutation configuration's kept worker (tests/mutation/kept-worker-pool.ts): vitest driven as
 * the StrykerJS runner drives it (one vitest instance, `start()` once per mutant, `pool: 'threads'`
 * and one worker asked for), over a fixture test file. Every run must go to the same worker thread,
 * yet see what a fresh worker would: its own module graph, and no timer left by an earlier run.
 */
import { describe, expect, it } from 'vitest';
import { createVitest } from 'vitest/node';

type Seen = { threadId: number; loads: number; leakedTimerFired: number };

async function runs(count: number): Promise<Seen[]> {
  const vitest = await createVitest('test', {
    config: 'vitest.mutation.config.ts',
    include: ['tests/mutation/fixtures/kept-worker.fixture.ts'],
    // what @stryker-mutator/vitest-runner passes over the config file
    pool: 'threads',
    maxWorkers: 1,
    watch: false,
    reporters: [{}],
  });
  const seen: Seen[] = [];
  try {
    for (let i = 0; i < count; i++) {
      vitest.state.filesMap.clear();
      await vitest.start();
      const test = vitest.state.getFiles()[0]?.tasks[0];
      expect(test?.result?.state).toBe('pass');
      seen.push(test?.meta as unknown as Seen);
    }
  } finally {
    await vitest.close();
  }
  return seen;
}

describe('the kept worker of mutation runs', () => {
  it('serves every run from one thread, each with fresh modules and no timer of the run before', async () => {
    const seen = await runs(3);
    expect(new Set(seen.map((s) => s.threadId)).size).toBe(1);
    expect(seen.map((s) => s.loads)).toEqual([1, 1, 1]);
    expect(seen.map((s) => s.leakedTimerFired)).toEqual([0, 0, 0]);
  }, 60_000);
});
