/**
 * normalizeDomain skips the UTS #46 mapping for plain ASCII names (asciiForm, unicodeForm in
 * lib/probe/domain-name.ts). Both must answer exactly what node:url's domainToASCII and
 * domainToUnicode answer, for every input: plain names, punycode labels, names ending in a
 * number (IPv4 to the WHATWG parser), hyphens anywhere, and internationalised names.
 */
import { domainToASCII, domainToUnicode } from 'node:url';
import { describe, expect, it } from 'vitest';
import { asciiForm, normalizeDomain, unicodeForm } from '@/lib/probe/domain-name';

/** A small deterministic generator (no dependency on Math.random's seed). */
function* names(count: number): Generator<string> {
  let x = 0x2545f491;
  const next = () => ((x ^= x << 13), (x ^= x >>> 17), (x ^= x << 5), (x >>> 0) / 2 ** 32);
  // Characters chosen to hit every rule: digits and 0x (numbers), hyphens, "xn--", dots, IDN.
  const parts = ['a', 'b', 'z', '0', '1', '9', '-', '--', 'x', 'xn--', 'n', '0x', '.', '.', 'é', 'ß', 'mañana', 'xn--nxasmq6b', 'ab', 'com', 'test'];
  for (let i = 0; i < count; i++) {
    let s = '';
    const n = 1 + Math.floor(next() * 9);
    for (let j = 0; j < n; j++) s += parts[Math.floor(next() * parts.length)];
    yield s;
  }
}

describe('asciiForm / unicodeForm', () => {
  it('answer what domainToASCII / domainToUnicode answer, for 20,000 generated names', () => {
    let plain = 0;
    for (const name of names(20_000)) {
      expect([name, asciiForm(name)]).toEqual([name, domainToASCII(name)]);
      expect([name, unicodeForm(name)]).toEqual([name, domainToUnicode(name)]);
      if (/^[a-z0-9.-]+$/.test(name) && domainToASCII(name) === name) plain++;
    }
    // The generator reaches the plain-name case the shortcut is for, often.
    expect(plain).toBeGreaterThan(2_000);
  });

  it.each([
    ['mail.example.com', 'mail.example.com'],
    ['a.123', ''],
    ['a.0x', ''],
    ['a.0x1f', ''],
    ['a.0xg', 'a.0xg'],
    ['xn--nxasmq6b.com', 'xn--nxasmq6b.com'],
    ['a.xn--zz', ''],
    ['bücher.example', 'xn--bcher-kva.example'],
  ])('%s → %j', (name, ascii) => {
    expect(asciiForm(name)).toBe(ascii);
    expect(domainToASCII(name)).toBe(ascii);
  });

  it('normalizeDomain gives IDN and plain names the same forms as before', () => {
    expect(normalizeDomain('Bücher.Example.com')).toEqual({ ok: true, ascii: 'xn--bcher-kva.example.com', unicode: 'bücher.example.com' });
    expect(normalizeDomain('xn--bcher-kva.example.com')).toEqual({ ok: true, ascii: 'xn--bcher-kva.example.com', unicode: 'bücher.example.com' });
    expect(normalizeDomain('Mail.Example.COM.')).toEqual({ ok: true, ascii: 'mail.example.com', unicode: 'mail.example.com' });
    expect(normalizeDomain('a.0x1f')).toMatchObject({ ok: false, code: 'numeric-tld' });
    expect(normalizeDomain('0x7f.1')).toMatchObject({ ok: false, code: 'ip-literal' });
    expect(normalizeDomain('cafe.face')).toMatchObject({ ok: true, ascii: 'cafe.face' });
  });
});
