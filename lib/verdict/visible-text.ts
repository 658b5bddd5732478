/**
 * Server-supplied text (banners, EHLO lines, certificate names and SANs, reply texts quoted in
 * findings) made safe for a terminal: control characters are shown, not obeyed. A certificate whose
 * SAN holds `ESC ] 0 ; … BEL` would otherwise retitle the window or worse (terminal escape
 * injection, CVE-2003-0063 and its many successors); bidirectional overrides could reorder what
 * the reader sees (CVE-2021-42574, "Trojan Source").
 */

// C0 controls, DEL, C1 controls; the bidi embedding/override/isolate marks.
const HIDDEN = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Record<string, string> = { '\t': '\\t', '\n': '\\n', '\r': '\\r', '\u001b': '\\e', '\u0007': '\\a' };

function show(ch: string): string {
  const named = NAMED[ch];
  if (named) return named;
  const code = ch.codePointAt(0)!;
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** The text with every control character written out as an escape ("\e]0;…\a"). */
export function visibleText(s: string): string {
  return s.replace(HIDDEN, show);
}
