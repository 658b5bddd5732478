/**
 * Inputs that only become IP addresses (or numeric TLDs) after Unicode mapping and the WHATWG host
 * parser must be refused like the plain forms, never checked as if they were domain names.
 */
import fc from '@/tests/fixtures/fast-check';
import { isIP } from 'node:net';
import { describe, expect, it } from 'vitest';
import { normalizeDomain } from '@/lib/probe/domain-name';

const FULL_WIDTH = (s: string) => s.replace(/[0-9]/g, (d) => String.fromCharCode(0xff10 + Number(d)));

describe('IP addresses in disguise', () => {
  it.each([
    ['0', 'ip-literal'],
    ['0。', 'ip-literal'],
    ['00', 'ip-literal'],
    ['0x7f', 'ip-literal'],
    ['１２７.０.０.１', 'ip-literal'],
    ['１２７．０．０．１', 'ip-literal'],
    ['１０.０.０.１', 'ip-literal'],
    ['127。0。0。1', 'numeric-tld'],
    // the host parser itself fails on a name ending in a number that is not an address
    ['a.１', 'invalid-idn'],
    ['example.１２３', 'invalid-idn'],
  ])('%j is refused as %s', (input, code) => {
    const r = normalizeDomain(input, { allowSpecialUse: true });
    expect(r.ok ? r.ascii : r.code).toBe(code);
  });

  it('full-width forms of any IPv4 address are refused, with the address named', () => {
    fc.assert(
      fc.property(fc.ipV4(), (ip) => {
        const r = normalizeDomain(FULL_WIDTH(ip), { allowSpecialUse: true });
        expect(r.ok).toBe(false);
        if (!r.ok) expect(r.message).toContain(ip);
      }),
    );
  });

  it('whatever is accepted is never an IP address and never ends in a number', () => {
    const digits = fc.stringMatching(/^[0-9a-fx]{1,4}$/);
    const part = fc.oneof(digits, digits.map(FULL_WIDTH), fc.constantFrom('a', 'mx', 'ｘ'));
    const sep = fc.constantFrom('.', '。', '．');
    fc.assert(
      fc.property(fc.array(fc.tuple(part, sep), { maxLength: 4 }), part, (parts, last) => {
        const r = normalizeDomain(parts.map(([p, s]) => p + s).join('') + last, { allowSpecialUse: true });
        if (r.ok) {
          expect(isIP(r.ascii)).toBe(0);
          expect(r.ascii).not.toMatch(/\.(?:\d+|0x[0-9a-f]*)$/);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
