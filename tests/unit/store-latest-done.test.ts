import { describe, expect, it } from 'vitest';
import { newCheckId } from '@/lib/store/check-id';
import { createSqliteStore } from '@/lib/store/sqlite-store';
import { fakeResult, fakeTarget } from '@/tests/fixtures/fake-engine';

describe('findLatestDone', () => {
  it('returns the check of the domain and mode that finished last, however old', async () => {
    const s = createSqliteStore({ file: ':memory:' });
    const finish = async (domain: string, createdAt: number, finishedAt: number, mode: 'domain' | 'host' = 'domain') => {
      const id = newCheckId();
      await s.createCheck({ id, target: fakeTarget(domain, mode), createdAt });
      await s.finishCheck(id, fakeResult(fakeTarget(domain, mode)), finishedAt);
      return id;
    };
    expect(await s.findLatestDone('x.test', 'domain')).toBeNull();

    const first = await finish('x.test', 1_000, 2_000);
    expect((await s.findLatestDone('x.test', 'domain'))?.id).toBe(first);

    // Created before the first one but finished after it: the later result wins.
    const slow = await finish('x.test', 500, 5_000);
    await finish('x.test', 3_000, 4_000);
    expect((await s.findLatestDone('x.test', 'domain'))?.id).toBe(slow);

    // Other domains and host mode do not count.
    await finish('y.test', 9_000, 9_500);
    await finish('x.test', 9_000, 9_500, 'host');
    expect((await s.findLatestDone('x.test', 'domain'))?.id).toBe(slow);
    expect((await s.findLatestDone('x.test', 'host'))?.status).toBe('done');
    await s.close();
  });

  it('ignores running and interrupted checks, whatever their age', async () => {
    const s = createSqliteStore({ file: ':memory:', now: () => 50_000 });
    const done = newCheckId();
    await s.createCheck({ id: done, target: fakeTarget('x.test'), createdAt: 1_000 });
    await s.finishCheck(done, fakeResult(fakeTarget('x.test')), 2_000);
    const running = newCheckId();
    await s.createCheck({ id: running, target: fakeTarget('x.test'), createdAt: 10_000 });
    const interrupted = newCheckId();
    await s.createCheck({ id: interrupted, target: fakeTarget('x.test'), createdAt: 20_000 });
    await s.markInterrupted(interrupted, 'shutdown');

    const latest = await s.findLatestDone('x.test', 'domain');
    expect(latest?.id).toBe(done);
    expect(latest?.result?.target.domain).toBe('x.test');
    await s.close();
  });
});
