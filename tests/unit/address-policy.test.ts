import fc from '@/tests/fixtures/fast-check';
import ipaddr from 'ipaddr.js';
import { describe, expect, it } from 'vitest';
import { createAddressPolicy, parseCidrList, parseIpStrict } from '@/lib/probe/address-policy';

const policy = createAddressPolicy();

function v4FromInt(n: number): string {
  return [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}
function first(cidr: string): string {
  const [addr, bits] = ipaddr.parseCIDR(cidr);
  return addr.kind() === 'ipv4'
    ? ipaddr.IPv4.networkAddressFromCIDR(`${addr.toString()}/${bits}`).toString()
    : ipaddr.IPv6.networkAddressFromCIDR(`${addr.toString()}/${bits}`).toString();
}
function last(cidr: string): string {
  const [addr, bits] = ipaddr.parseCIDR(cidr);
  return addr.kind() === 'ipv4'
    ? ipaddr.IPv4.broadcastAddressFromCIDR(`${addr.toString()}/${bits}`).toString()
    : ipaddr.IPv6.broadcastAddressFromCIDR(`${addr.toString()}/${bits}`).toString();
}

// The IANA registries' ranges as the test's own independent list: [cidr, range name, a middle address].
const V4_RANGES: [string, string, string][] = [
  ['0.0.0.0/8', 'thisNetwork', '0.1.2.3'],
  ['10.0.0.0/8', 'private', '10.20.30.40'],
  ['100.64.0.0/10', 'carrierGradeNat', '100.100.100.100'],
  ['127.0.0.0/8', 'loopback', '127.0.0.1'],
  ['169.254.0.0/16', 'linkLocal', '169.254.169.254'],
  ['172.16.0.0/12', 'private', '172.20.1.1'],
  ['192.0.0.0/24', 'ietfProtocolAssignments', '192.0.0.170'],
  ['192.0.2.0/24', 'documentation', '192.0.2.25'],
  ['192.88.99.0/24', '6to4Relay', '192.88.99.1'],
  ['192.168.0.0/16', 'private', '192.168.1.1'],
  ['198.18.0.0/15', 'benchmarking', '198.19.0.1'],
  ['198.51.100.0/24', 'documentation', '198.51.100.7'],
  ['203.0.113.0/24', 'documentation', '203.0.113.99'],
  ['224.0.0.0/4', 'multicast', '239.255.255.250'],
  ['255.255.255.255/32', 'broadcast', '255.255.255.255'],
];

const V6_RANGES: [string, string, string][] = [
  ['::/128', 'unspecified', '::'],
  ['::1/128', 'loopback', '::1'],
  ['64:ff9b:1::/48', 'nat64LocalUse', '64:ff9b:1::a00:1'],
  ['100::/64', 'discard', '100::dead:beef'],
  ['2001::/32', 'teredo', '2001:0:4136:e378:8000:63bf:3fff:fdd2'], // RFC 4380 §4 example
  ['2001:2::/48', 'benchmarking', '2001:2::25'],
  ['2001:10::/28', 'orchid', '2001:15::1'],
  ['2001:20::/28', 'orchidV2', '2001:2a::1'],
  ['2001:100::/24', 'ietfProtocolAssignments', '2001:1a0::1'],
  ['2001:1::/32', 'ietfProtocolAssignments', '2001:1::1'],
  ['2001:db8::/32', 'documentation', '2001:db8::25'],
  ['3fff::/20', 'documentation', '3fff:abc::1'],
  ['5f00::/16', 'srv6Sids', '5f00:1234::1'],
  ['fc00::/7', 'uniqueLocal', 'fd12:3456:789a::1'],
  ['fe80::/10', 'linkLocal', 'fe80::1'],
  ['fec0::/10', 'siteLocal', 'fec0::1'],
  ['ff00::/8', 'multicast', 'ff02::1'],
  ['4000::/2', 'reserved', '4000::1'],
  ['1::/16', 'reserved', '1::1'],
];

describe('createAddressPolicy refuses every special-purpose range', () => {
  const rows = [...V4_RANGES, ...V6_RANGES].flatMap(([cidr, range, middle]) =>
    [first(cidr), middle, last(cidr)].map((a) => [a, cidr, range] as const),
  );
  it.each(rows)('%s (in %s) → %s', (address, _cidr, range) => {
    expect(policy(address)).toEqual({ allowed: false, range });
  });

  it('refuses 240/4 as reserved and its last address as broadcast', () => {
    expect(policy('240.0.0.0')).toEqual({ allowed: false, range: 'reserved' });
    expect(policy('250.1.2.3')).toEqual({ allowed: false, range: 'reserved' });
    expect(policy('255.255.255.254')).toEqual({ allowed: false, range: 'reserved' });
    expect(policy('255.255.255.255')).toEqual({ allowed: false, range: 'broadcast' });
  });
});

describe('createAddressPolicy allows public addresses, right up to the edges', () => {
  it.each([
    '1.0.0.0', '8.8.8.8', '9.255.255.255', '11.0.0.0', '100.63.255.255', '100.128.0.0', '126.255.255.255',
    '128.0.0.0', '169.253.255.255', '169.255.0.0', '172.15.255.255', '172.32.0.0', '192.0.1.255', '192.0.3.0',
    '192.88.98.255', '192.88.100.0', '192.167.255.255', '192.169.0.0', '198.17.255.255', '198.20.0.0',
    '198.51.99.255', '198.51.101.0', '203.0.112.255', '203.0.114.0', '223.255.255.255',
    // globally reachable per the registry: AS112 and AMT
    '192.31.196.1', '192.52.193.1', '192.175.48.1',
    '2000::', '2001:200::1', '2001:db7:ffff:ffff:ffff:ffff:ffff:ffff', '2001:db9::', '2606:4700::1111',
    '2a00:1450:4001:81c::200e', '3fff:1000::1', '3ffe:ffff::1', '2620:4f:8000::1',
  ])('%s', (address) => {
    expect(policy(address)).toEqual({ allowed: true });
  });
});

describe('IPv6 forms that carry an IPv4 address are judged by that address', () => {
  it.each([
    ['::ffff:10.1.2.3', false, 'ipv4Mapped:private'],
    ['::ffff:127.0.0.1', false, 'ipv4Mapped:loopback'],
    ['::ffff:7f00:1', false, 'ipv4Mapped:loopback'],
    ['::FFFF:169.254.169.254', false, 'ipv4Mapped:linkLocal'],
    ['::ffff:0.0.0.0', false, 'ipv4Mapped:thisNetwork'],
    ['::ffff:255.255.255.255', false, 'ipv4Mapped:broadcast'],
    ['::ffff:8.8.8.8', true, 'ipv4Mapped'],
    ['::10.0.0.1', false, 'ipv4Compatible:private'],
    ['::2', false, 'ipv4Compatible:thisNetwork'],
    ['::8.8.8.8', true, 'ipv4Compatible'],
    ['64:ff9b::127.0.0.1', false, 'nat64:loopback'],
    ['64:ff9b::a9fe:a9fe', false, 'nat64:linkLocal'],
    ['64:ff9b::c0a8:101', false, 'nat64:private'],
    ['64:ff9b::8.8.8.8', true, 'nat64'],
    ['2002:a00:1::1', false, '6to4:private'],
    ['2002:7f00:1::', false, '6to4:loopback'],
    ['2002:c000:204::1', false, '6to4:documentation'],
    ['2002:808:808::1', true, '6to4'],
    ['2002::', false, '6to4:thisNetwork'],
  ])('%s → allowed %s, %s', (address, allowed, range) => {
    expect(policy(address)).toEqual({ allowed, range });
  });
});

describe('parseIpStrict', () => {
  it('reads a dotted IPv6 tail as the socket layer does, not as IPv4-mapped', () => {
    // ipaddr.js 2.5 alone parses "::8.8.8.8" as ::ffff:808:808
    expect(parseIpStrict('::8.8.8.8')?.toNormalizedString()).toBe('0:0:0:0:0:0:808:808');
    expect(parseIpStrict('::ffff:8.8.8.8')?.toNormalizedString()).toBe('0:0:0:0:0:ffff:808:808');
    expect(parseIpStrict('64:ff9b::10.0.0.1')?.toNormalizedString()).toBe('64:ff9b:0:0:0:0:a00:1');
    expect(parseIpStrict('1:2:3:4:5:6:1.2.3.4')?.toNormalizedString()).toBe('1:2:3:4:5:6:102:304');
    expect(policy('::127.0.0.1')).toEqual({ allowed: false, range: 'ipv4Compatible:loopback' });
  });

  it.each(['127.1', 'fe80::1%eth0', '', 'x', '1.2.3.4/32'])('returns undefined for %j', (s) => {
    expect(parseIpStrict(s)).toBeUndefined();
  });
});

describe('createAddressPolicy input handling', () => {
  it.each(['', 'example.com', '127.1', '0x7f.0.0.1', '2130706433', '010.0.0.1', ' 8.8.8.8', '8.8.8.8 ', '[::1]', '::1/128', '1.2.3.4:25', '::1::'])(
    'refuses %j as not-an-ip',
    (input) => {
      expect(policy(input)).toEqual({ allowed: false, range: 'not-an-ip' });
    },
  );

  it('refuses non-string input as not-an-ip', () => {
    expect(policy(undefined as unknown as string)).toEqual({ allowed: false, range: 'not-an-ip' });
  });

  it.each(['fe80::1%eth0', '2606:4700::1111%1'])('refuses scoped %s', (input) => {
    expect(policy(input)).toEqual({ allowed: false, range: 'scoped' });
  });
});

describe('allowCidrs opens chosen ranges', () => {
  const local = createAddressPolicy({ allowCidrs: ['127.0.0.0/8', '::1/128'] });

  it('marks addresses opened by configuration, keeping the range they are in', () => {
    expect(local('127.0.0.1')).toEqual({ allowed: true, range: 'loopback', allowedByConfig: true });
    expect(local('127.20.0.7')).toEqual({ allowed: true, range: 'loopback', allowedByConfig: true });
    expect(local('::1')).toEqual({ allowed: true, range: 'loopback', allowedByConfig: true });
  });

  it('leaves everything else as it was', () => {
    expect(local('10.0.0.1')).toEqual({ allowed: false, range: 'private' });
    expect(local('::2')).toEqual({ allowed: false, range: 'ipv4Compatible:thisNetwork' });
    expect(local('8.8.8.8')).toEqual({ allowed: true });
  });

  it('does not let an IPv4 CIDR open the IPv4-mapped or NAT64 forms', () => {
    expect(local('::ffff:127.0.0.1')).toEqual({ allowed: false, range: 'ipv4Mapped:loopback' });
    expect(local('64:ff9b::127.0.0.1')).toEqual({ allowed: false, range: 'nat64:loopback' });
  });

  it('opens a single address given without a prefix length, and only that', () => {
    const one = createAddressPolicy({ allowCidrs: ['10.1.2.3', 'fd00::25'] });
    expect(one('10.1.2.3')).toMatchObject({ allowed: true, allowedByConfig: true });
    expect(one('10.1.2.4')).toEqual({ allowed: false, range: 'private' });
    expect(one('fd00::25')).toMatchObject({ allowed: true, allowedByConfig: true, range: 'uniqueLocal' });
    expect(one('fd00::26')).toEqual({ allowed: false, range: 'uniqueLocal' });
  });

  it.each(['127.0.0.0/33', '10.0.0/8', 'abc', '::1/129', '127.0.0.0/', '127.0.0.0/8/9', '127.0.0.0/-1', 'localhost/8', '127.1/8', 'fe80::/10%eth0'])(
    'throws a clear configuration error for %j',
    (cidr) => {
      expect(() => createAddressPolicy({ allowCidrs: [cidr] })).toThrow(/Invalid CIDR/);
    },
  );
});

describe('parseCidrList', () => {
  it('splits on commas and whitespace and drops empty items', () => {
    expect(parseCidrList('127.0.0.0/8, ::1/128')).toEqual(['127.0.0.0/8', '::1/128']);
    expect(parseCidrList(' 10.0.0.0/8\n192.168.0.0/16 ,,')).toEqual(['10.0.0.0/8', '192.168.0.0/16']);
    expect(parseCidrList('')).toEqual([]);
    expect(parseCidrList(' , ')).toEqual([]);
  });

  it('throws naming the bad entry', () => {
    expect(() => parseCidrList('127.0.0.0/8,junk')).toThrow(/junk/);
  });
});

describe('properties', () => {
  const within = (cidr: string) => {
    const [addr, bits] = ipaddr.IPv4.parseCIDR(cidr);
    const base = addr.octets.reduce((n, o) => n * 256 + o, 0);
    return fc.integer({ min: 0, max: 2 ** (32 - bits) - 1 }).map((off) => v4FromInt(base + off));
  };
  const refusedV4 = fc.oneof(...[...V4_RANGES.map((r) => r[0]), '240.0.0.0/4'].map(within));
  const privateV4 = fc.oneof(...['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '127.0.0.0/8', '100.64.0.0/10', '169.254.0.0/16'].map(within));
  const isRefusedByList = (a: string) => {
    const addr = ipaddr.IPv4.parse(a);
    return [...V4_RANGES.map((r) => r[0]), '240.0.0.0/4'].some((c) => addr.match(ipaddr.IPv4.parseCIDR(c)));
  };
  const anyV4 = fc.integer({ min: 0, max: 2 ** 32 - 1 }).map(v4FromInt);
  const nat64 = (a: string) => `64:ff9b::${a}`;
  const sixToFour = (a: string) => {
    const o = ipaddr.IPv4.parse(a).octets;
    return `2002:${((o[0]! << 8) | o[1]!).toString(16)}:${((o[2]! << 8) | o[3]!).toString(16)}::1`;
  };

  it('refuses every address in the private, loopback, CGNAT and link-local ranges', () => {
    fc.assert(fc.property(privateV4, (a) => policy(a).allowed === false), { numRuns: 2000 });
  });

  it('refuses the mapped, compatible, NAT64 and 6to4 forms of every refused IPv4 address', () => {
    fc.assert(
      fc.property(refusedV4, (a) => {
        const inner = policy(a);
        expect(inner.allowed).toBe(false);
        expect(policy(`::ffff:${a}`)).toEqual({ allowed: false, range: `ipv4Mapped:${inner.range}` });
        expect(policy(nat64(a))).toEqual({ allowed: false, range: `nat64:${inner.range}` });
        expect(policy(sixToFour(a))).toEqual({ allowed: false, range: `6to4:${inner.range}` });
        expect(policy(`::${a}`).allowed).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it('allows every IPv4 address outside the registry ranges, and its embedded forms agree', () => {
    fc.assert(
      fc.property(
        anyV4.filter((a) => !isRefusedByList(a)),
        (a) => {
          expect(policy(a)).toEqual({ allowed: true });
          expect(policy(`::ffff:${a}`).allowed).toBe(true);
          expect(policy(nat64(a)).allowed).toBe(true);
          expect(policy(sixToFour(a)).allowed).toBe(true);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('refuses every IPv6 address outside 2000::/3 except public IPv4 in embedded forms', () => {
    const word = fc.integer({ min: 0, max: 0xffff });
    const v6 = fc.tuple(word, word, word, word, word, word, word, word).map((p) => new ipaddr.IPv6(p));
    const embedded = ['::ffff:0:0/96', '::/96', '64:ff9b::/96'].map((c) => ipaddr.IPv6.parseCIDR(c));
    const global = ipaddr.IPv6.parseCIDR('2000::/3');
    fc.assert(
      fc.property(
        v6.filter((a) => !a.match(global) && !embedded.some((e) => a.match(e))),
        (a) => policy(a.toString()).allowed === false,
      ),
      { numRuns: 2000 },
    );
  });
});
