import { describe, expect, it } from 'vitest';
import { nominalDelayMs, retryDelayMs, type BackoffPolicy } from '@/lib/monitors/backoff';
import { hashToken, isMonitorId, monitorIdOfToken, newMonitorId, newMonitorToken, tokenMatches } from '@/lib/monitors/token';

const POLICY: BackoffPolicy = { baseMs: 1_000, maxMs: 10_000, maxAttempts: 5 };

describe('retry backoff', () => {
  it('doubles the nominal delay after each failure, up to the cap', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => nominalDelayMs(POLICY, n))).toEqual([1_000, 2_000, 4_000, 8_000, 10_000, 10_000]);
  });

  it('spreads each delay over the upper half of its nominal value', () => {
    expect(retryDelayMs(POLICY, 3, () => 0)).toBe(2_000);
    expect(retryDelayMs(POLICY, 3, () => 0.999999)).toBe(4_000);
    expect(retryDelayMs(POLICY, 3, () => 0.5)).toBe(3_000);
  });

  it('stops after the last attempt', () => {
    expect(retryDelayMs(POLICY, 4, () => 0)).toBe(4_000);
    expect(retryDelayMs(POLICY, 5, () => 0)).toBeNull();
    expect(retryDelayMs({ ...POLICY, maxAttempts: 1 }, 1)).toBeNull();
  });
});

describe('capability tokens', () => {
  it('name their monitor and carry 256 random bits', () => {
    const id = newMonitorId();
    expect(isMonitorId(id)).toBe(true);
    const a = newMonitorToken(id);
    const b = newMonitorToken(id);
    expect(a).not.toBe(b);
    expect(monitorIdOfToken(a)).toBe(id);
    expect(a.split('.')[1]).toHaveLength(43);
  });

  it('are stored as SHA-256 and matched only by the exact token', () => {
    const token = newMonitorToken(newMonitorId());
    const stored = hashToken(token);
    expect(stored).toMatch(/^[0-9a-f]{64}$/);
    expect(stored).not.toContain(token.split('.')[1]);
    expect(tokenMatches(token, stored)).toBe(true);
    expect(tokenMatches(`${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`, stored)).toBe(false);
    expect(tokenMatches(token, hashToken('other'))).toBe(false);
    // a damaged stored hash (wrong length) is a mismatch, not a crash
    expect(tokenMatches(token, 'abcd')).toBe(false);
  });

  it('refuse anything not shaped like a token before any lookup', () => {
    for (const bad of ['', 'mon_x.y', `${newMonitorId()}`, `${newMonitorId()}.short`, `../${newMonitorToken(newMonitorId())}`]) {
      expect(monitorIdOfToken(bad)).toBeNull();
    }
  });
});
