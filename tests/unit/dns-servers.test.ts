import { describe, expect, it } from 'vitest';
import { classifyDnsError, parseDnsServers } from '@/lib/probe/dns/resolver';
import { reverseName } from '@/lib/probe/dns/reverse-name';

describe('parseDnsServers', () => {
  it.each([
    ['1.1.1.1', ['1.1.1.1']],
    ['127.0.0.1:5353', ['127.0.0.1:5353']],
    ['2606:4700::1111', ['2606:4700::1111']],
    ['::1', ['::1']],
    ['[2606:4700::1111]', ['2606:4700::1111']],
    ['[::1]:5353', ['[::1]:5353']],
    [' 1.1.1.1 , 9.9.9.9:53,[2620:fe::fe]:853 ', ['1.1.1.1', '9.9.9.9:53', '[2620:fe::fe]:853']],
    ['1.1.1.1,,', ['1.1.1.1']],
    ['', []],
    ['  ', []],
  ])('%j → %j', (input, expected) => {
    expect(parseDnsServers(input)).toEqual(expected);
  });

  it.each([
    'dns.google',
    'localhost:53',
    '1.1.1',
    '1.1.1.1:',
    '1.1.1.1:0',
    '1.1.1.1:65536',
    '1.1.1.1:53x',
    '1.1.1.1:-53',
    '[1.1.1.1]:53',
    '[::1',
    '[::1]53',
    '[::1]:',
    '2606:4700::1111:53:x',
    'fe80::1%eth0',
    '[fe80::1%eth0]:53',
    '1.1.1.1 9.9.9.9',
    '127.1',
    'udp://1.1.1.1',
  ])('throws a clear error on %j', (input) => {
    expect(() => parseDnsServers(input)).toThrow(/Invalid DNS server/);
  });

  it('names the offending entry in the error', () => {
    expect(() => parseDnsServers('1.1.1.1,bogus')).toThrow(/"bogus"/);
  });
});

describe('classifyDnsError', () => {
  const err = (code: string) => Object.assign(new Error(`query failed ${code}`), { code });
  it.each([
    ['ENOTFOUND', 'nxdomain'],
    ['ENODATA', 'nodata'],
    ['ESERVFAIL', 'servfail'],
    ['EREFUSED', 'refused'],
    ['ETIMEOUT', 'timeout'],
    ['ECONNREFUSED', 'error'],
    ['EBADRESP', 'error'],
    ['ECANCELLED', 'error'],
    ['EFORMERR', 'error'],
  ])('%s → %s, keeping the code', (code, status) => {
    expect(classifyDnsError(err(code))).toEqual({ status, errorCode: code });
  });

  it.each([[new Error('no code')], ['a string'], [null], [undefined], [{ code: 42 }]])('maps %j without a string code to error', (e) => {
    expect(classifyDnsError(e)).toEqual({ status: 'error' });
  });
});

describe('reverseName', () => {
  it.each([
    ['192.0.2.1', '1.2.0.192.in-addr.arpa'],
    ['127.20.0.1', '1.0.20.127.in-addr.arpa'],
    // RFC 3596 §2.5 example: 4321:0:1:2:3:4:567:89ab
    ['4321:0:1:2:3:4:567:89ab', 'b.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.0.0.0.0.1.2.3.4.ip6.arpa'],
    ['::1', `1.${'0.'.repeat(31)}ip6.arpa`],
    ['2001:DB8::25', `5.2.0.0.${'0.'.repeat(20)}8.b.d.0.1.0.0.2.ip6.arpa`],
    ['::ffff:192.0.2.1', `1.0.2.0.0.0.0.c.f.f.f.f.${'0.'.repeat(20)}ip6.arpa`],
  ])('%s → %s', (ip, name) => {
    expect(reverseName(ip)).toBe(name);
  });

  it.each(['example.com', '127.1', 'fe80::1%eth0', ''])('throws on %j', (s) => {
    expect(() => reverseName(s)).toThrow(/not an IP address/);
  });
});
