/**
 * The address policy against the list, beyond tests/unit/address-policy.test.ts: whole
 * ranges as properties (Teredo, NAT64 local use, 240/4, CGNAT, benchmarking, documentation), the
 * forms that hide an IPv4 address, and that how an address is written never changes the verdict.
 * Pure: nothing is resolved or connected.
 */
import fc from '@/tests/fixtures/fast-check';
import ipaddr from 'ipaddr.js';
import { describe, expect, it } from 'vitest';
import { createAddressPolicy } from '@/lib/probe/address-policy';

const policy = createAddressPolicy();
const word = fc.integer({ min: 0, max: 0xffff });
const byte = fc.integer({ min: 0, max: 255 });
const v4 = fc.tuple(byte, byte, byte, byte).map((o) => o.join('.'));

/** Random addresses inside an IPv6 prefix. */
function inV6(cidr: string) {
  const [net, bits] = ipaddr.IPv6.parseCIDR(cidr);
  return fc.tuple(word, word, word, word, word, word, word, word).map((rand) => {
    const parts = net.parts.map((p, i) => {
      const keep = Math.max(0, Math.min(16, bits - i * 16));
      const mask = keep === 0 ? 0 : (0xffff << (16 - keep)) & 0xffff;
      return (p & mask) | (rand[i]! & ~mask & 0xffff);
    });
    return new ipaddr.IPv6(parts).toString();
  });
}

/** Random addresses inside an IPv4 prefix. */
function inV4(cidr: string) {
  const [net, bits] = ipaddr.IPv4.parseCIDR(cidr);
  const base = net.octets.reduce((n, o) => n * 256 + o, 0);
  return fc.integer({ min: 0, max: 2 ** (32 - bits) - 1 }).map((off) => {
    const n = base + off;
    return [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
  });
}

const hex = (a: string) => {
  const o = ipaddr.IPv4.parse(a).octets;
  return [((o[0]! << 8) | o[1]!).toString(16), ((o[2]! << 8) | o[3]!).toString(16)];
};

describe('whole ranges from the issue, as properties', () => {
  it.each([
    ['0.0.0.0/8', 'thisNetwork'],
    ['240.0.0.0/5', 'reserved'],
    ['248.0.0.0/6', 'reserved'],
    ['100.64.0.0/10', 'carrierGradeNat'],
    ['198.18.0.0/15', 'benchmarking'],
    ['192.0.2.0/24', 'documentation'],
    ['198.51.100.0/24', 'documentation'],
    ['203.0.113.0/24', 'documentation'],
    ['192.0.0.0/24', 'ietfProtocolAssignments'],
  ])('every address of %s is refused as %s', (cidr, range) => {
    fc.assert(fc.property(inV4(cidr), (a) => {
        expect(policy(a)).toEqual({ allowed: false, range });
      }), { numRuns: 500 });
  });

  it('Teredo (2001::/32) is refused whatever IPv4 addresses it carries, public or not', () => {
    // RFC 4380 §4: 2001:0:<server v4>:<flags>:<port ^ ffff>:<client v4 ^ ffffffff>
    const teredo = fc.tuple(v4, v4, word, word).map(([server, client, flags, port]) => {
      const [s1, s2] = hex(server);
      const c = ipaddr.IPv4.parse(client).octets.map((o) => o ^ 0xff);
      return `2001:0:${s1}:${s2}:${flags.toString(16)}:${(port ^ 0xffff).toString(16)}:${((c[0]! << 8) | c[1]!).toString(16)}:${((c[2]! << 8) | c[3]!).toString(16)}`;
    });
    fc.assert(fc.property(teredo, (a) => {
        expect(policy(a)).toEqual({ allowed: false, range: 'teredo' });
      }), { numRuns: 1000 });
    fc.assert(fc.property(inV6('2001::/32'), (a) => {
        expect(policy(a).allowed).toBe(false);
      }), { numRuns: 1000 });
  });

  it('NAT64 local use (64:ff9b:1::/48) is refused whatever it embeds; the well-known prefix is judged by its IPv4', () => {
    fc.assert(fc.property(inV6('64:ff9b:1::/48'), (a) => {
        expect(policy(a)).toEqual({ allowed: false, range: 'nat64LocalUse' });
      }), { numRuns: 1000 });
    fc.assert(
      fc.property(v4, (a) => {
        const inner = policy(a);
        const wkp = policy(`64:ff9b::${a}`);
        expect(wkp.allowed).toBe(inner.allowed);
        expect(policy(`64:ff9b:1::${a}`)).toEqual({ allowed: false, range: 'nat64LocalUse' });
      }),
      { numRuns: 2000 },
    );
  });

  it('IPv4-translated (::ffff:0:a.b.c.d, RFC 2765) and other forms outside 2000::/3 are refused', () => {
    for (const a of ['::ffff:0:7f00:1', '::ffff:0:808:808', '::ffff:0:8.8.8.8', '100:0:0:1::1', '::1:2:3:4', '0:0:1::']) {
      expect(policy(a).allowed, a).toBe(false);
    }
  });
});

describe('how an address is written never changes the verdict', () => {
  const anyV6 = fc.oneof(
    fc.tuple(word, word, word, word, word, word, word, word).map((p) => new ipaddr.IPv6(p)),
    // bias towards the prefixes that carry IPv4
    ...['::ffff:0:0/96', '::/96', '64:ff9b::/96', '64:ff9b:1::/48', '2002::/16', '2001::/32', 'fe80::/10', 'fc00::/7'].map((c) =>
      inV6(c).map((s) => ipaddr.IPv6.parse(s)),
    ),
  );

  it('compressed, expanded, zero-padded, upper-case and dotted-tail forms agree', () => {
    fc.assert(
      fc.property(anyV6, (addr) => {
        const p = addr.parts;
        const dotted = `${p.slice(0, 6).map((x) => x.toString(16)).join(':')}:${p[6]! >> 8}.${p[6]! & 255}.${p[7]! >> 8}.${p[7]! & 255}`;
        // ipaddr.js has toFixedLengthString() but its typings lack it: build the form here.
        const fixed = p.map((x) => x.toString(16).padStart(4, '0')).join(':');
        const forms = [
          addr.toString(),
          addr.toNormalizedString(),
          fixed,
          fixed.toUpperCase(),
          addr.toString().toUpperCase(),
          dotted,
        ];
        const verdicts = forms.map((f) => JSON.stringify(policy(f)));
        expect(new Set(verdicts).size, forms.join(' | ')).toBe(1);
      }),
      { numRuns: 3000 },
    );
  });

  it('an IPv4 address and its IPv4-mapped form agree on whether it may be probed', () => {
    fc.assert(
      fc.property(v4, (a) => {
        const [hi, lo] = hex(a);
        expect(policy(`::ffff:${a}`).allowed).toBe(policy(a).allowed);
        expect(policy(`::ffff:${hi}:${lo}`).allowed).toBe(policy(a).allowed);
        expect(policy(`0:0:0:0:0:FFFF:${a}`).allowed).toBe(policy(a).allowed);
      }),
      { numRuns: 3000 },
    );
  });
});
