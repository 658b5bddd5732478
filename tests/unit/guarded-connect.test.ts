import { Socket } from 'node:net';
import { describe, expect, it, vi } from 'vitest';
import { guardedConnect, refuseLookup } from '@/lib/probe/net/guarded-connect';
import type { AddressPolicy, ConnectFn } from '@/lib/probe/types';

// No socket here ever connects: the injected ConnectFn returns an unconnected Socket object.
const fakeConnect = () => vi.fn<ConnectFn>(() => new Socket());
const allowAll: AddressPolicy = () => ({ allowed: true });

describe('guardedConnect', () => {
  it('asks the policy, then connects to the literal with the given port and family', () => {
    const connect = fakeConnect();
    const policy = vi.fn<AddressPolicy>(() => ({ allowed: true, range: 'loopback', allowedByConfig: true }));
    const res = guardedConnect({ address: '127.10.0.1', port: 25, family: 4, policy, connect });
    expect(res.ok).toBe(true);
    expect(policy).toHaveBeenCalledWith('127.10.0.1');
    expect(connect).toHaveBeenCalledWith({ address: '127.10.0.1', port: 25, family: 4 });
    if (res.ok) expect(res.policy.allowedByConfig).toBe(true);
  });

  it('returns a typed refusal, and never connects, when the policy says no', () => {
    const connect = fakeConnect();
    const policy: AddressPolicy = () => ({ allowed: false, range: 'private' });
    const res = guardedConnect({ address: '10.1.2.3', port: 587, family: 4, policy, connect });
    expect(res).toEqual({
      ok: false,
      refusal: { reason: 'policy', message: '10.1.2.3 (private) may not be probed', policy: { allowed: false, range: 'private' } },
    });
    expect(connect).not.toHaveBeenCalled();
  });

  it.each(['mx.example.test', 'localhost', '', '127.10.0.1.', '0x7f.1', '[::1]'])(
    'refuses %j as not an IP literal without consulting the policy',
    (address) => {
      const connect = fakeConnect();
      const policy = vi.fn<AddressPolicy>(() => ({ allowed: true }));
      const res = guardedConnect({ address, port: 25, family: 4, policy, connect });
      expect(res.ok).toBe(false);
      if (!res.ok) expect(res.refusal.reason).toBe('not-ip-literal');
      expect(policy).not.toHaveBeenCalled();
      expect(connect).not.toHaveBeenCalled();
    },
  );

  it('refuses an address whose family is not the one announced', () => {
    const connect = fakeConnect();
    const res = guardedConnect({ address: '::1', port: 25, family: 4, policy: allowAll, connect });
    expect(res.ok).toBe(false);
    if (!res.ok) expect(res.refusal.reason).toBe('family-mismatch');
    expect(connect).not.toHaveBeenCalled();
  });

  it('accepts IPv6 literals announced as family 6', () => {
    const connect = fakeConnect();
    const res = guardedConnect({ address: '2001:db8::25', port: 25, family: 6, policy: allowAll, connect });
    expect(res.ok).toBe(true);
    expect(connect).toHaveBeenCalledWith({ address: '2001:db8::25', port: 25, family: 6 });
  });
});

describe('refuseLookup', () => {
  it('fails every name instead of resolving it', () => {
    const callback = vi.fn();
    refuseLookup('mx.example.test', {}, callback);
    expect(callback).toHaveBeenCalledOnce();
    const [err] = callback.mock.calls[0] as [NodeJS.ErrnoException];
    expect(err.code).toBe('ENOTIPLITERAL');
  });
});
