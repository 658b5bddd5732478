import { describe, expect, it } from 'vitest';
import { normalizeDomain } from '@/lib/probe/domain-name';

const label63 = 'a'.repeat(63);

describe('normalizeDomain accepts and normalises', () => {
  it.each([
    ['example.com', 'example.com', 'example.com'],
    ['  Example.COM  ', 'example.com', 'example.com'],
    ['example.com.', 'example.com', 'example.com'],
    [' example.com\r\n', 'example.com', 'example.com'], // surrounding whitespace is trimmed, not kept
    ['MAIL.Example.Org', 'mail.example.org', 'mail.example.org'],
    ['münchen.de', 'xn--mnchen-3ya.de', 'münchen.de'],
    ['MÜNCHEN.DE', 'xn--mnchen-3ya.de', 'münchen.de'],
    ['xn--mnchen-3ya.de', 'xn--mnchen-3ya.de', 'münchen.de'],
    ['XN--MNCHEN-3YA.DE', 'xn--mnchen-3ya.de', 'münchen.de'],
    ['faß.de', 'xn--fa-hia.de', 'faß.de'], // UTS #46 nontransitional: ß is kept
    ['😀.com', 'xn--e28h.com', '😀.com'],
    ['xn--ls8h.la', 'xn--ls8h.la', '💩.la'],
    ['пример.рф', 'xn--e1afmkfd.xn--p1ai', 'пример.рф'],
    ['ＥＸＡＭＰＬＥ．ｃｏｍ', 'example.com', 'example.com'], // full-width forms map to ASCII
    ['a\u3002com', 'a.com', 'a.com'], // ideographic full stop is a dot
    ['a--b.com', 'a--b.com', 'a--b.com'],
    ['1and1.com', '1and1.com', '1and1.com'],
    ['123.example.com', '123.example.com', '123.example.com'],
    [`${label63}.com`, `${label63}.com`, `${label63}.com`],
  ])('%j → %s', (input, ascii, unicode) => {
    expect(normalizeDomain(input)).toEqual({ ok: true, ascii, unicode });
  });

  it('accepts a name of exactly 253 characters', () => {
    const name = `${label63}.${label63}.${label63}.${'b'.repeat(61)}`;
    expect(name).toHaveLength(253);
    expect(normalizeDomain(name)).toMatchObject({ ok: true, ascii: name });
    expect(normalizeDomain(`${name}.`)).toMatchObject({ ok: true, ascii: name });
  });
});

describe('normalizeDomain rejects with a stable code', () => {
  it.each([
    ['', 'empty'],
    ['   ', 'empty'],
    ['.', 'empty'],
    ['\uff0e', 'empty'],
    ['a\u3002\u3002com', 'empty-label'],
    ['a'.repeat(300), 'too-long'],
    ['a'.repeat(63), 'single-label'],
    ['Mailserver.', 'single-label'],
    [`${'a'.repeat(60)}.`.repeat(5) + 'com', 'too-long'],
    ['x'.repeat(5000), 'too-long'],
    [`${'a'.repeat(64)}.com`, 'label-too-long'],
    [`${'ü'.repeat(60)}.com`, 'label-too-long'], // 60 characters, 64 in punycode
    ['example..com', 'empty-label'],
    ['.example.com', 'empty-label'],
    ['example.com..', 'empty-label'],
    ['\u200b.com', 'empty-label'], // a zero-width space maps to nothing
    ['com', 'single-label'],
    ['localhost', 'local-name'],
    ['exa mple.com', 'invalid-characters'],
    ['exa\tmple.com', 'invalid-characters'], // UTS #46 would silently delete the tab
    ['example.com\r\nMAIL FROM:<x>', 'invalid-characters'],
    ['exa\nmple.com', 'invalid-characters'],
    ['exa\u00a0mple.com', 'invalid-characters'],
    ['exa\u2028mple.com', 'invalid-characters'],
    ['user@example.com', 'invalid-characters'],
    ['https://example.com/', 'invalid-characters'],
    ['example.com:25', 'invalid-characters'],
    ['example.com/path', 'invalid-characters'],
    ['_dmarc.example.com', 'invalid-characters'],
    ['*.example.com', 'invalid-characters'],
    ['exa%mple.com', 'invalid-characters'],
    ['[example.com]', 'invalid-characters'],
    ['-example.com', 'invalid-hyphen'],
    ['example-.com', 'invalid-hyphen'],
    ['xn--zz.com', 'invalid-idn'], // not valid punycode
    ['xn--.com', 'invalid-idn'],
    ['xn--a-ecp.ru', 'invalid-idn'], // decodes, but not to a valid label
    ['a\u200db.com', 'invalid-idn'], // ZWJ outside its permitted context
    ['a＠b.com', 'invalid-idn'], // full-width @ maps to a forbidden code point
    ['1.2.3.4', 'ip-literal'],
    ['1.2.3.4.', 'ip-literal'],
    ['127.1', 'ip-literal'],
    ['0x7f.0.0.1', 'ip-literal'],
    ['::1', 'ip-literal'],
    ['[::1]', 'ip-literal'],
    ['2001:db8::25', 'ip-literal'],
    ['[2001:db8::25]', 'ip-literal'],
    ['::ffff:10.0.0.1', 'ip-literal'],
    ['fe80::1%eth0', 'ip-literal'],
    ['example.123', 'numeric-tld'],
    ['1.2.3.4.5', 'numeric-tld'],
    ['example.0x1f', 'numeric-tld'],
    ['foo.localhost', 'local-name'],
    ['LOCALHOST.', 'local-name'],
    ['printer.local', 'local-name'],
    ['db.internal', 'local-name'],
    ['router.home.arpa', 'local-name'],
    ['nas.lan', 'local-name'],
    ['host.localdomain', 'local-name'],
    ['example.test', 'special-use'],
    ['example.example', 'special-use'],
    ['nothing.invalid', 'special-use'],
    ['duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczad.onion', 'special-use'],
    ['thing.alt', 'special-use'],
  ])('%j → %s', (input, code) => {
    const r = normalizeDomain(input);
    expect(r).toMatchObject({ ok: false, code });
    if (!r.ok) expect(r.message.length).toBeGreaterThan(10);
  });

  it('tells the user to enter a domain instead of an IP address', () => {
    const r = normalizeDomain('192.0.2.1');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(/domain/i);
  });

  it('names the offending character and what to do about it', () => {
    const at = normalizeDomain('user@example.com');
    expect(!at.ok && at.message).toMatch(/after the @/);
    const url = normalizeDomain('https://example.com');
    expect(!url.ok && url.message).toMatch(/without a URL scheme/);
    const crlf = normalizeDomain('a\r\nb.com');
    expect(!crlf.ok && crlf.message).toMatch(/line break/);
  });
});

describe('normalizeDomain with allowSpecialUse', () => {
  it.each([
    ['example.test', 'example.test'],
    ['MX.Example.TEST.', 'mx.example.test'],
    ['münchen.test', 'xn--mnchen-3ya.test'],
    ['www.example', 'www.example'],
    ['nothing.invalid', 'nothing.invalid'],
  ])('accepts %j as %s', (input, ascii) => {
    expect(normalizeDomain(input, { allowSpecialUse: true })).toMatchObject({ ok: true, ascii });
  });

  it.each([
    ['localhost', 'local-name'],
    ['a.localhost', 'local-name'],
    ['printer.local', 'local-name'],
    ['x.onion', 'special-use'],
    ['127.0.0.1', 'ip-literal'],
  ])('still rejects %j (%s)', (input, code) => {
    expect(normalizeDomain(input, { allowSpecialUse: true })).toMatchObject({ ok: false, code });
  });

  it('does not treat a special-use word in the middle of a name as the TLD', () => {
    expect(normalizeDomain('test.example.com')).toMatchObject({ ok: true, ascii: 'test.example.com' });
    expect(normalizeDomain('local.example.com')).toMatchObject({ ok: true, ascii: 'local.example.com' });
    expect(normalizeDomain('mylocalhost.com')).toMatchObject({ ok: true });
  });
});
