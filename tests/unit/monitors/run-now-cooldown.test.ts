/**
 * "Run now" cooldown (MONITOR_RUN_NOW_COOLDOWN_SECONDS): refused while a run is going on, until the
 * cooldown has passed since the latest run started, and right after a "Run now" not yet taken; the
 * wait is what Retry-After says.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { monitorOperations } from '@/lib/monitors/monitoring';
import { MonitorConditionsSchema } from '@/lib/monitors/schemas';
import { createSqliteStore, type SqliteStore } from '@/lib/store/sqlite-store';

const T0 = Date.parse('2026-12-01T00:00:00Z');
let store: SqliteStore;
afterEach(async () => store?.close());

function setup(cooldownSec: number) {
  let t = T0;
  const clock = { now: () => t, monotonic: () => t };
  store = createSqliteStore({ file: ':memory:', now: clock.now });
  const starts = new Map<string, number>();
  const nudged: string[] = [];
  const ops = monitorOperations({
    store,
    scheduler: { nudge: async (id) => void nudged.push(id ?? '') },
    checkUrl: async () => {
      throw new Error('not used');
    },
    limits: { perClient: 10, total: 10, jitterMaxMs: 0 },
    allowTestDomains: true,
    runNowCooldownMs: cooldownSec * 1000,
    checkStartedAt: async (id) => starts.get(id) ?? null,
    clock,
  });
  return { ops, starts, nudged, advance: (ms: number) => (t += ms), now: () => t };
}

async function add(nextRunAt: number) {
  await store.createMonitor({
    id: 'mon_a',
    domain: 'example.test',
    intervalSec: 3_600,
    conditions: MonitorConditionsSchema.parse({}),
    targets: [{ type: 'webhook', url: 'https://hook.test/in' }],
    tokenHash: '0'.repeat(64),
    signingSecret: 'whsec_x',
    createdBy: 'c',
    origin: 'https://mxray.test',
    createdAt: T0,
    nextRunAt,
  });
  return (await store.getMonitor('mon_a'))!;
}

describe('run-now cooldown', () => {
  it('lets a monitor that never ran and is not due run at once', async () => {
    const { ops } = setup(300);
    expect(await ops.runNowWaitSec(await add(T0 + 60_000))).toBe(0);
  });

  it('counts from the latest run’s start, a run in progress, and a run asked for but not yet taken', async () => {
    const w = setup(300);
    let m = await add(T0 + 3_600_000);
    // a run in progress since T0
    await store.claimRun(m.id, m.nextRunAt, T0 + 3_600_000, T0);
    w.advance(10_000);
    expect(await w.ops.runNowWaitSec((await store.getMonitor(m.id))!)).toBe(290);
    // done: its check started at T0
    await store.completeRun(m.id, 'chk_1', []);
    w.starts.set('chk_1', T0);
    m = (await store.getMonitor(m.id))!;
    w.advance(89_500);
    expect(await w.ops.runNowWaitSec(m)).toBe(201); // 200.5 s, rounded up: Retry-After never too short
    w.advance(200_500);
    expect(await w.ops.runNowWaitSec(m)).toBe(0);
    // asked for now: a second request at once waits the whole cooldown
    const asked = (await w.ops.update(m, { runNow: true }))!;
    expect(asked.nextRunAt).toBe(w.now());
    expect(w.nudged).toEqual(['mon_a']);
    expect(await w.ops.runNowWaitSec(asked)).toBe(300);
  });

  it('is off at 0', async () => {
    const w = setup(0);
    const m = await add(T0);
    await store.claimRun(m.id, m.nextRunAt, T0 + 3_600_000, T0);
    expect(await w.ops.runNowWaitSec((await store.getMonitor(m.id))!)).toBe(0);
  });
});
