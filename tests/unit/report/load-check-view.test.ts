import { describe, expect, it } from 'vitest';
import { loadCheckView, type CheckViewSource } from '@/lib/checks/load-check-view';
import type { CheckEvent } from '@/lib/probe/schema';
import { SAMPLE_RESULT } from '@/tests/fixtures/sample-result';

const ID = 'abcdefghijklmnopqrstuv';
type Check = NonNullable<Awaited<ReturnType<CheckViewSource['getCheck']>>>;

function source(check: Partial<Check> | null, events: CheckEvent[] = []) {
  const reads: string[] = [];
  const src: CheckViewSource = {
    async getCheck(id) {
      reads.push(`check:${id}`);
      return check && { id, status: 'running', target: SAMPLE_RESULT.target, createdAt: 1, result: null, reason: null, ...check };
    },
    async listEvents(id, after) {
      reads.push(`events:${id}:${after}`);
      return events.map((event, i) => ({ seq: i + 1, event }));
    },
  };
  return { src, reads };
}

const started: CheckEvent = { type: 'check-started', target: SAMPLE_RESULT.target, startedAt: SAMPLE_RESULT.startedAt };

describe('loadCheckView', () => {
  it('answers null for a malformed id without touching the store', async () => {
    const { src, reads } = source({});
    await expect(loadCheckView('../etc/passwd', src)).resolves.toBeNull();
    expect(reads).toEqual([]);
  });

  it('answers null for an unknown id', async () => {
    await expect(loadCheckView(ID, source(null).src)).resolves.toBeNull();
  });

  it('returns the result of a finished check without reading its events', async () => {
    const { src, reads } = source({ status: 'done', result: SAMPLE_RESULT });
    await expect(loadCheckView(ID, src)).resolves.toMatchObject({ status: 'done', result: SAMPLE_RESULT });
    expect(reads).toEqual([`check:${ID}`]);
  });

  it('returns the stored events of a running or queued check', async () => {
    await expect(loadCheckView(ID, source({ status: 'running' }, [started]).src)).resolves.toMatchObject({
      status: 'running',
      queued: false,
      events: [{ seq: 1, event: started }],
    });
    await expect(loadCheckView(ID, source({ status: 'queued' }).src)).resolves.toMatchObject({ status: 'running', queued: true });
  });

  it('treats a stored check-done as done even before the status flips', async () => {
    const { src } = source({ status: 'running' }, [started, { type: 'check-done', result: SAMPLE_RESULT }]);
    await expect(loadCheckView(ID, src)).resolves.toMatchObject({ status: 'done', result: SAMPLE_RESULT });
  });

  it('keeps the reason and the partial log of an interrupted check', async () => {
    const { src } = source({ status: 'interrupted', reason: 'shutdown' }, [started]);
    await expect(loadCheckView(ID, src)).resolves.toMatchObject({ status: 'interrupted', reason: 'shutdown', events: [{ seq: 1 }] });
  });
});
