/**
 * The English message beside each error code (the API's `message`, and the fallback when a locale
 * has no text for a code): which character it names, and the hint for the mistakes people make
 * (an e-mail address, a URL, an underscore). Also the guards that run before any parsing: a
 * non-string input, an input far beyond a legal name, and brackets around an IP literal.
 * Pinned because the mutation run of lib/probe/domain-name.ts found them unpinned.
 */
import { describe, expect, it } from 'vitest';
import { normalizeDomain } from '@/lib/probe/domain-name';

const message = (input: string) => {
  const r = normalizeDomain(input, { allowSpecialUse: true });
  return r.ok ? `ok: ${r.ascii}` : `${r.code}: ${r.message}`;
};

describe('the character a refused name contains is named so a person can find it', () => {
  it.each([
    ['a b.com', 'a space'],
    ['a\rb.com', 'a line break'],
    ['a\nb.com', 'a line break'],
    ['a\tb.com', 'a tab'],
    ['a\u0001b.com', 'a control or space character (U+0001)'],
    ['a\u001fb.com', 'a control or space character (U+001F)'],
    ['a\u007fb.com', 'a control or space character (U+007F)'],
    // non-ASCII white space: no-break space, line separator, ideographic space
    ['a\u00a0b.com', 'a control or space character (U+00A0)'],
    ['a\u2028b.com', 'a control or space character (U+2028)'],
    ['a\u3000b.com', 'a control or space character (U+3000)'],
    // a printable character is quoted as it is
    ['a!b.com', '“!”'],
    ['a"b.com', '“"”'],
    ['[1.2.3.4', '“[”'],
  ])('%j names %s', (input, named) => {
    expect(message(input)).toBe(`invalid-characters: The domain name contains ${named}.`);
  });

  it('gives the hint that fits the mistake, and none for other characters', () => {
    expect(message('postmaster@example.com')).toBe('invalid-characters: The domain name contains “@”. Enter only the part after the @.');
    expect(message('example.com/path')).toBe('invalid-characters: The domain name contains “/”. Enter only the domain, without a URL scheme, port or path.');
    expect(message('example.com:25')).toBe('invalid-characters: The domain name contains “:”. Enter only the domain, without a URL scheme, port or path.');
    expect(message('_dmarc.example.com')).toBe('invalid-characters: The domain name contains “_”. Underscores are not allowed in host names.');
    expect(message('mail+1.example.com')).toBe('invalid-characters: The domain name contains “+”.');
  });
});

describe('labels after Unicode mapping', () => {
  it('a label that maps to a character outside letters, digits and hyphen is invalid-characters, not invalid-hyphen', () => {
    // FULLWIDTH LOW LINE maps to "_" under UTS #46: it passes the typed-character check, and the
    // label it leaves is not a hyphen problem.
    expect(message('a\uff3fb.example.com')).toBe('invalid-characters: The label “a_b” contains characters not allowed in a host name.');
    expect(message('mail.a\uff3f.com')).toBe('invalid-characters: The label “a_” contains characters not allowed in a host name.');
    expect(message('mail.\uff3fb.com')).toBe('invalid-characters: The label “_b” contains characters not allowed in a host name.');
    expect(message('-ab.example.com')).toBe('invalid-hyphen: The label “-ab” starts or ends with a hyphen.');
  });

  it('a label too long is shown by its first 20 characters and its length', () => {
    expect(message(`${'a'.repeat(70)}.com`)).toBe(`label-too-long: The label “${'a'.repeat(20)}…” is 70 characters long; at most 63 are allowed.`);
  });
});

describe('guards before parsing', () => {
  it('a value that is not a string (an API body with a number, say) is empty, not a crash', () => {
    expect(normalizeDomain(42 as unknown as string)).toEqual({ ok: false, code: 'empty', message: 'Enter a domain name.' });
    expect(normalizeDomain(undefined as unknown as string)).toEqual({ ok: false, code: 'empty', message: 'Enter a domain name.' });
  });

  it('input beyond 1,024 characters is refused before mapping; up to 1,024 it is measured in ASCII form', () => {
    expect(message('a'.repeat(1025))).toBe('too-long: A domain name has at most 253 characters.');
    expect(message('a'.repeat(1024))).toBe('too-long: A domain name has at most 253 characters (this one has 1024 in ASCII form).');
  });

  it('only a bracketed whole is read as an IP literal: a lone bracket is a refused character', () => {
    expect(message('[127.0.0.1]')).toMatch(/^ip-literal: /);
    expect(message('[1.2.3.4')).toBe('invalid-characters: The domain name contains “[”.');
    expect(message('a1.2.3.4]')).toBe('invalid-characters: The domain name contains “]”.');
    expect(message('[1.2.3.4a')).toBe('invalid-characters: The domain name contains “[”.');
  });
});

describe('labels as typed', () => {
  it('an empty label as typed is named with where it comes from', () => {
    expect(message('a..example.com')).toBe('empty-label: The domain name contains an empty label (“..” or a leading dot).');
    expect(message('.example.com')).toBe('empty-label: The domain name contains an empty label (“..” or a leading dot).');
  });

  it('white space alone is empty', () => {
    expect(message('  \t ')).toBe('empty: Enter a domain name.');
  });

  it('only a last label that is wholly a number (decimal or 0x hex) is numeric', () => {
    expect(message('example.123')).toBe('numeric-tld: The last label of a domain name cannot be a number.');
    expect(message('example.0x1f')).toBe('numeric-tld: The last label of a domain name cannot be a number.');
    expect(message('example.a1')).toBe('ok: example.a1');
    expect(message('example.1a')).toBe('ok: example.1a');
  });
});
