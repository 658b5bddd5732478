/**
 * "No deadline" must mean no timer. setTimeout turns an Infinity delay into 1 ms (with Node's
 * TimeoutOverflowWarning), so a wait without a deadline used to end as a 'timeout' one
 * millisecond after it began. Fake timers make that visible without racing real writes.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { deadlineFor, waitWithDeadline, type Deadline } from '@/lib/probe/net/deadline';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

const noDeadline = (): Deadline => ({ at: Number.POSITIVE_INFINITY, byBudget: false, now: () => Date.now() });

describe('waitWithDeadline without a deadline', () => {
  it('arms no timer and waits for the value however long it takes', async () => {
    let deliver: ((v: string) => void) | undefined;
    let settled = false;
    const waiting = waitWithDeadline<string>({ deadline: noDeadline() }, (done) => {
      deliver = done;
      return () => {};
    });
    void waiting.then(() => {
      settled = true;
    });
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(60 * 60_000);
    expect(settled).toBe(false);
    deliver?.('late value');
    expect(await waiting).toBe('late value');
  });

  it('an infinite stage within an infinite budget is no deadline either', async () => {
    const deadline = deadlineFor(Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY, () => Date.now());
    const c = new AbortController();
    const waiting = waitWithDeadline({ deadline, signal: c.signal }, () => () => {});
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(10_000);
    c.abort();
    expect(await waiting).toEqual({ interrupted: 'aborted' });
  });

  it('a finite deadline beyond setTimeout’s range ends at that deadline, not after 1 ms', async () => {
    const farMs = 2 ** 31 + 5_000; // just past setTimeout's 2^31 - 1 ms ceiling
    const now = () => Date.now();
    let result: unknown;
    const waiting = waitWithDeadline({ deadline: { at: now() + farMs, byBudget: true, now } }, () => () => {});
    void waiting.then((r) => {
      result = r;
    });
    await vi.advanceTimersByTimeAsync(10);
    expect(result).toBeUndefined();
    await vi.advanceTimersByTimeAsync(farMs - 20);
    expect(result).toBeUndefined();
    await vi.advanceTimersByTimeAsync(20);
    expect(result).toEqual({ interrupted: 'budget' });
  });

  it('a finite deadline still ends the wait exactly at its time', async () => {
    const now = () => Date.now();
    let result: unknown;
    const waiting = waitWithDeadline({ deadline: deadlineFor(250, Number.POSITIVE_INFINITY, now) }, () => () => {});
    void waiting.then((r) => {
      result = r;
    });
    await vi.advanceTimersByTimeAsync(249);
    expect(result).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(result).toEqual({ interrupted: 'timeout' });
    expect(vi.getTimerCount()).toBe(0);
  });
});
