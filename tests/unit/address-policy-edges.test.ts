/**
 * Address policy decisions the mutation run of lib/probe/address-policy.ts (85.1 %) found
 * unpinned. Policies are built inside each test: one built while a file is collected is built
 * before a mutant is switched on, so it cannot notice one.
 */
import { describe, expect, it } from 'vitest';
import { createAddressPolicy, parseIpStrict } from '@/lib/probe/address-policy';

describe('createAddressPolicy', () => {
  it('a configured CIDR with a prefix length opens what it covers', () => {
    const local = createAddressPolicy({ allowCidrs: ['127.0.0.0/8', '::1/128'] });
    expect(local('127.0.0.1')).toEqual({ allowed: true, range: 'loopback', allowedByConfig: true });
    expect(local('::1')).toEqual({ allowed: true, range: 'loopback', allowedByConfig: true });
  });

  it('an address allowed anyway is not marked as opened by configuration, even inside a configured range', () => {
    const policy = createAddressPolicy({ allowCidrs: ['8.8.8.0/24'] });
    expect(policy('8.8.8.8')).toEqual({ allowed: true });
  });

  it('configured entries are trimmed', () => {
    const policy = createAddressPolicy({ allowCidrs: [' 127.0.0.0/8 '] });
    expect(policy('127.0.0.9')).toEqual({ allowed: true, range: 'loopback', allowedByConfig: true });
  });

  it('a value that is not a string is not an IP, without throwing', () => {
    const policy = createAddressPolicy();
    expect(policy(42 as unknown as string)).toEqual({ allowed: false, range: 'not-an-ip' });
    expect(policy(undefined as unknown as string)).toEqual({ allowed: false, range: 'not-an-ip' });
  });

  it('a string that is not an IP is not-an-ip even with a zone-like suffix (only a real address is "scoped")', () => {
    const policy = createAddressPolicy();
    expect(policy('mx.example.test%eth0')).toEqual({ allowed: false, range: 'not-an-ip' });
    expect(policy('fe80::1%eth0')).toEqual({ allowed: false, range: 'scoped' });
  });

  it('names why a configured entry is refused: not an address at all, or a zone-scoped one', () => {
    expect(() => createAddressPolicy({ allowCidrs: ['junk/8'] })).toThrow(
      'Invalid CIDR "junk/8": "junk" is not an IPv4 or IPv6 address (expected e.g. 127.0.0.0/8 or ::1/128).',
    );
    expect(() => createAddressPolicy({ allowCidrs: ['fe80::1%eth0/64'] })).toThrow(
      'Invalid CIDR "fe80::1%eth0/64": "fe80::1%eth0" is not an IPv4 or IPv6 address (expected e.g. 127.0.0.0/8 or ::1/128).',
    );
  });
});

describe('parseIpStrict', () => {
  it('refuses a zone-indexed address (an interface of this machine)', () => {
    expect(parseIpStrict('fe80::1%eth0')).toBeUndefined();
  });

  it('turns a dotted tail with multi-digit parts into its two hex groups, also right after "::"', () => {
    // ipaddr.js alone reads "::a.b.c.d" as IPv4-mapped (::ffff:…); the strict parser must not
    expect(parseIpStrict('::192.168.100.200')?.toNormalizedString()).toBe('0:0:0:0:0:0:c0a8:64c8');
    expect(parseIpStrict('64:ff9b::192.168.100.200')?.toNormalizedString()).toBe('64:ff9b:0:0:0:0:c0a8:64c8');
    expect(parseIpStrict('2001:db8::10.20.30.40')?.toNormalizedString()).toBe('2001:db8:0:0:0:0:a14:1e28');
  });
});
