import { describe, expect, it } from 'vitest';
import { deadlineFor, waitWithDeadline } from '@/lib/probe/net/deadline';
import { sniFor, tidyTlsError } from '@/lib/probe/net/tls-handshake';
import { connectOutcome } from '@/lib/probe/smtp/probe-steps';
import { MAX_ENTRY_CHARS, Transcript } from '@/lib/probe/smtp/transcript';

describe('deadlineFor', () => {
  it('uses the stage deadline while the budget lasts longer', () => {
    expect(deadlineFor(1_000, 5_000, () => 100)).toMatchObject({ at: 1_100, byBudget: false });
  });
  it('is cut to the budget when the stage would outlast it', () => {
    expect(deadlineFor(1_000, 600, () => 100)).toMatchObject({ at: 600, byBudget: true });
  });
});

describe('waitWithDeadline', () => {
  const now = () => performance.now();

  it('returns the value when it comes first, and cleans up once', async () => {
    let cleanups = 0;
    const res = await waitWithDeadline({ deadline: deadlineFor(1_000, Infinity, now) }, (done) => {
      setTimeout(() => done('value'), 5);
      return () => cleanups++;
    });
    expect(res).toBe('value');
    expect(cleanups).toBe(1);
  });

  it('reports timeout at the stage deadline and budget at the budget', async () => {
    const never = () => () => {};
    expect(await waitWithDeadline({ deadline: deadlineFor(10, Infinity, now) }, never)).toEqual({ interrupted: 'timeout' });
    expect(await waitWithDeadline({ deadline: deadlineFor(1_000, now() + 10, now) }, never)).toEqual({ interrupted: 'budget' });
  });

  it('reports aborted when the signal fires, or had fired', async () => {
    const c = new AbortController();
    setTimeout(() => c.abort(), 5);
    const never = () => () => {};
    const deadline = deadlineFor(5_000, Infinity, now);
    expect(await waitWithDeadline({ deadline, signal: c.signal }, never)).toEqual({ interrupted: 'aborted' });
    let started = false;
    const res = await waitWithDeadline({ deadline, signal: AbortSignal.abort() }, () => {
      started = true;
      return () => {};
    });
    expect(res).toEqual({ interrupted: 'aborted' });
    expect(started).toBe(false);
  });

  it('handles a value delivered synchronously', async () => {
    let cleanups = 0;
    const res = await waitWithDeadline({ deadline: deadlineFor(1_000, Infinity, now) }, (done) => {
      done(42);
      return () => cleanups++;
    });
    expect(res).toBe(42);
    expect(cleanups).toBe(1);
  });
});

describe('tidyTlsError', () => {
  it('keeps the OpenSSL reason and drops the source location', () => {
    const err: NodeJS.ErrnoException = new Error(
      '80CC3FE7D67F0000:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:../deps/openssl/openssl/ssl/record/ssl3_record.c:350:\n',
    );
    err.code = 'ERR_SSL_WRONG_VERSION_NUMBER';
    expect(tidyTlsError(err)).toEqual({ code: 'ERR_SSL_WRONG_VERSION_NUMBER', message: 'wrong version number' });
  });
  it('leaves other messages alone', () => {
    const err: NodeJS.ErrnoException = new Error('socket hang up');
    err.code = 'ECONNRESET';
    expect(tidyTlsError(err)).toEqual({ code: 'ECONNRESET', message: 'socket hang up' });
    expect(tidyTlsError(new Error('odd')).code).toBe('TLS_ERROR');
  });
});

describe('sniFor', () => {
  it('sends host names, never IP literals (RFC 6066 §3)', () => {
    expect(sniFor('mx.example.test')).toBe('mx.example.test');
    expect(sniFor('127.10.0.1')).toBeUndefined();
    expect(sniFor('2001:db8::1')).toBeUndefined();
  });
});

describe('connectOutcome', () => {
  it.each([
    ['ECONNREFUSED', 'connection-refused'],
    ['ETIMEDOUT', 'connection-timeout'],
    ['EHOSTUNREACH', 'unreachable'],
    ['ENETUNREACH', 'unreachable'],
    ['EADDRNOTAVAIL', 'unreachable'],
    ['ECONNRESET', 'connection-reset'],
  ])('maps %s to %s', (code, outcome) => {
    expect(connectOutcome(code)).toBe(outcome);
  });
});

describe('Transcript', () => {
  it('caps entries and marks the transcript truncated', () => {
    const t = new Transcript(3, () => 1.234);
    for (let i = 0; i < 5; i++) t.add('s', `250 line ${i}`);
    expect(t.entries.map((e) => e.text)).toEqual(['250 line 0', '250 line 1', '250 line 2']);
    expect(t.truncated).toBe(true);
    expect(t.entries[0]?.t).toBe(1.2);
  });
  it('shortens long entries', () => {
    const t = new Transcript(10, () => 0);
    t.add('s', `220 ${'x'.repeat(2_000)}`);
    expect(t.entries[0]?.text).toHaveLength(MAX_ENTRY_CHARS);
    expect(t.entries[0]?.text.endsWith('…')).toBe(true);
    expect(t.truncated).toBe(false);
  });
});
