/**
 * Turns what a user typed into the one ASCII (punycode) name the engine resolves, probes and matches
 * against certificates, or into a stable error code. Mapping follows UTS #46 through node:url (the
 * WHATWG URL host parser), then the result must be an RFC 952/1123 host name (LDH labels).
 */
import { isIP } from 'node:net';
import { domainToASCII, domainToUnicode } from 'node:url';
import ipaddr from 'ipaddr.js';

export type DomainNameErrorCode =
  | 'empty'
  | 'too-long'
  | 'label-too-long'
  | 'empty-label'
  | 'single-label'
  | 'invalid-characters'
  | 'invalid-hyphen'
  | 'invalid-idn'
  | 'ip-literal'
  | 'numeric-tld'
  | 'local-name'
  | 'special-use';

export type NormalizedDomain =
  | { ok: true; ascii: string; unicode: string }
  | { ok: false; code: DomainNameErrorCode; message: string };

export interface NormalizeDomainOptions {
  /** accept the RFC 6761 test names (.test, .example, .invalid); tests and the demo need them */
  allowSpecialUse?: boolean;
}

// RFC 1035 §2.3.4: 255 octets on the wire = 253 characters in text form without the root dot.
const MAX_NAME = 253;
const MAX_LABEL = 63;
// Anything far beyond a legal name is refused before Unicode mapping runs over it.
const MAX_INPUT = 1024;

// Names that only ever mean "this machine" or "this site": RFC 6761 (localhost), RFC 6762 (.local),
// RFC 8375 (home.arpa), ICANN's reserved .internal (2024), and the common private .lan/.localdomain.
const LOCAL_SUFFIXES = ['localhost', 'local', 'internal', 'home.arpa', 'lan', 'localdomain'];
// Never resolvable in the public DNS: RFC 7686 (.onion), RFC 9476 (.alt).
const SPECIAL_ALWAYS = ['onion', 'alt'];
// RFC 6761 §6.2–6.4: reserved for testing and examples; usable only when the caller opts in.
const SPECIAL_OPT_IN = ['test', 'example', 'invalid'];

const LDH_LABEL = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

function fail(code: DomainNameErrorCode, message: string): NormalizedDomain {
  return { ok: false, code, message };
}

function hasSuffix(name: string, suffix: string): boolean {
  return name === suffix || name.endsWith(`.${suffix}`);
}

function describeChar(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  if (ch === ' ') return 'a space';
  if (ch === '\r' || ch === '\n') return 'a line break';
  if (ch === '\t') return 'a tab';
  if (cp < 0x20 || cp === 0x7f || /\s/u.test(ch)) return `a control or space character (U+${cp.toString(16).toUpperCase().padStart(4, '0')})`;
  return `“${ch}”`;
}

/** The first character that no host name may contain, checked before Unicode mapping silently drops or maps it. */
function findForbiddenChar(s: string): string | undefined {
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp < 0x80) {
      if (!/[A-Za-z0-9.-]/.test(ch)) return ch;
    } else if (/[\p{Cc}\p{Z}]/u.test(ch)) {
      // UTS #46 would delete some of these (tab, soft hyphen is Cf and fine) — a space inside a
      // name is a typo, not something to repair behind the user's back.
      return ch;
    }
  }
  return undefined;
}

// What ipaddr.js's IPv4 forms (dotted, short, long, octal, hex) are made of. Anything else is not
// one, and is not handed to it: its isValid throws and catches an Error for every name that is not,
// and capturing that Error's stack was most of a check request's domain work.
const IPV4_FORM_CHARS = /^[0-9a-fx.]+$/i;

function looksLikeIp(s: string): boolean {
  const bare = s.startsWith('[') && s.endsWith(']') ? s.slice(1, -1) : s;
  if (isIP(bare) !== 0) return true;
  // The WHATWG host parser reads 127.1, 0x7f.0.0.1 and 2130706433 as IPv4 too.
  return IPV4_FORM_CHARS.test(bare) && ipaddr.IPv4.isValid(bare.replace(/\.$/, ''));
}

// A lower-case name of LDH characters with several labels, none of them punycode ("xn--"), whose
// last label is not a number (the WHATWG host parser reads a name ending in one as IPv4).
const PLAIN_ASCII_NAME = /^(?!xn--)[a-z0-9-]+(?:\.(?!xn--)[a-z0-9-]+)+$/;
const ENDS_IN_NUMBER = /\.(?:\d+|0x[0-9a-f]*)$/;
const isPlainAscii = (name: string) => PLAIN_ASCII_NAME.test(name) && !ENDS_IN_NUMBER.test(name);

/**
 * domainToASCII, without its UTS #46 mapping for a plain ASCII name, which is its own ASCII form:
 * UTS #46 maps lower-case LDH characters to themselves and only checks punycode labels. About a
 * quarter of a new check's domain work on the web thread. Pinned against domainToASCII in
 * tests/unit/domain-name-ascii-form.test.ts.
 */
export function asciiForm(lowered: string): string {
  return isPlainAscii(lowered) ? lowered : domainToASCII(lowered);
}

/** domainToUnicode, the same way: a plain ASCII name has no punycode label to decode. */
export function unicodeForm(ascii: string): string {
  return isPlainAscii(ascii) ? ascii : domainToUnicode(ascii);
}

export function normalizeDomain(input: string, opts: NormalizeDomainOptions = {}): NormalizedDomain {
  if (typeof input !== 'string') return fail('empty', 'Enter a domain name.');
  if (input.length > MAX_INPUT) return fail('too-long', `A domain name has at most ${MAX_NAME} characters.`);
  const trimmed = input.trim();
  if (trimmed === '') return fail('empty', 'Enter a domain name.');

  if (looksLikeIp(trimmed)) {
    return fail('ip-literal', `“${trimmed}” is an IP address. Enter a domain name (like example.com) instead.`);
  }

  const bad = findForbiddenChar(trimmed);
  if (bad !== undefined) {
    const hint =
      bad === '@'
        ? ' Enter only the part after the @.'
        : bad === '/' || bad === ':'
          ? ' Enter only the domain, without a URL scheme, port or path.'
          : bad === '_'
            ? ' Underscores are not allowed in host names.'
            : '';
    return fail('invalid-characters', `The domain name contains ${describeChar(bad)}.${hint}`);
  }

  // UTS #46 also separates labels with the ideographic and full-width full stops; treat them as dots
  // here so the trailing-dot, empty-label and numeric-TLD checks see the same labels it will.
  const dotted = trimmed.replace(/[\u3002\uff0e\uff61]/g, '.');
  const lowered = (dotted.endsWith('.') ? dotted.slice(0, -1) : dotted).toLowerCase();
  if (lowered === '') return fail('empty', 'Enter a domain name.');

  const rawLabels = lowered.split('.');
  if (rawLabels.some((l) => l === '')) return fail('empty-label', 'The domain name contains an empty label (“..” or a leading dot).');
  const rawTld = rawLabels[rawLabels.length - 1] ?? '';
  if (rawLabels.length > 1 && /^(?:\d+|0x[0-9a-f]*)$/.test(rawTld)) {
    return fail('numeric-tld', 'The last label of a domain name cannot be a number.');
  }

  const ascii = asciiForm(lowered);
  if (ascii === '') {
    return fail('invalid-idn', `“${lowered}” is not a valid internationalised domain name (IDNA/UTS #46).`);
  }
  // The host parser maps full-width digits and reads numbers as IPv4 ("0" → 0.0.0.0,
  // "１２７.０.０.１" → 127.0.0.1, "0x7f" → 0.0.0.127): judge what it produced, not what was typed.
  if (isIP(ascii) !== 0) {
    return fail('ip-literal', `“${trimmed}” is an IP address (${ascii}). Enter a domain name (like example.com) instead.`);
  }
  if (ascii.length > MAX_NAME) return fail('too-long', `A domain name has at most ${MAX_NAME} characters (this one has ${ascii.length} in ASCII form).`);

  const labels = ascii.split('.');
  // Mapping can empty a label (a lone zero-width space maps to nothing).
  if (labels.some((l) => l === '')) return fail('empty-label', 'The domain name contains an empty label.');
  for (const label of labels) {
    if (label.length > MAX_LABEL) {
      return fail('label-too-long', `The label “${label.slice(0, 20)}…” is ${label.length} characters long; at most ${MAX_LABEL} are allowed.`);
    }
    if (!LDH_LABEL.test(label)) {
      if (/^[a-z0-9-]+$/.test(label)) return fail('invalid-hyphen', `The label “${label}” starts or ends with a hyphen.`);
      return fail('invalid-characters', `The label “${label}” contains characters not allowed in a host name.`);
    }
  }

  if (LOCAL_SUFFIXES.some((s) => hasSuffix(ascii, s))) {
    return fail('local-name', `“${ascii}” names a local or internal host, not a public mail domain.`);
  }
  if (labels.length < 2) {
    return fail('single-label', `“${ascii}” is not a full domain name; it needs at least two labels (like example.com).`);
  }
  const tld = labels[labels.length - 1] ?? '';
  if (SPECIAL_ALWAYS.includes(tld) || (SPECIAL_OPT_IN.includes(tld) && !opts.allowSpecialUse)) {
    return fail('special-use', `“.${tld}” is a special-use name that does not exist in the public DNS.`);
  }

  return { ok: true, ascii, unicode: unicodeForm(ascii) };
}
