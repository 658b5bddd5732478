/**
 * Homograph warning: a Unicode domain whose labels mix scripts (Latin "pаypal" with a Cyrillic
 * "а") is shown with its punycode beside it, so the reader sees which domain was really checked.
 * The rule is UTS #39 §5.2 "Highly Restrictive": one script per label, or Latin with the CJK
 * combinations (Han + Hiragana + Katakana, Han + Bopomofo, Han + Hangul). Common and inherited
 * characters (digits, hyphen, combining marks) belong to no script.
 */

const SCRIPTS = [
  'Latin', 'Cyrillic', 'Greek', 'Armenian', 'Georgian', 'Hebrew', 'Arabic', 'Thai', 'Devanagari', 'Bengali',
  'Tamil', 'Han', 'Hiragana', 'Katakana', 'Hangul', 'Bopomofo', 'Cherokee', 'Ethiopic', 'Khmer', 'Lao', 'Tibetan',
] as const;
const MATCHERS = SCRIPTS.map((s) => [s, new RegExp(`\\p{Script=${s}}`, 'u')] as const);

const ALLOWED_SETS: readonly (readonly string[])[] = [
  ['Latin', 'Han', 'Hiragana', 'Katakana'],
  ['Latin', 'Han', 'Bopomofo'],
  ['Latin', 'Han', 'Hangul'],
];

function scriptsOf(label: string): Set<string> {
  const found = new Set<string>();
  for (const ch of label) {
    if (!/\p{L}/u.test(ch)) continue;
    const hit = MATCHERS.find(([, re]) => re.test(ch));
    found.add(hit ? hit[0] : 'Other');
  }
  return found;
}

/** True when some label of the (Unicode) name mixes scripts beyond what UTS #39 allows. */
export function mixesScripts(unicodeName: string): boolean {
  return unicodeName.split('.').some((label) => {
    const s = scriptsOf(label);
    if (s.size <= 1) return false;
    return !ALLOWED_SETS.some((set) => [...s].every((x) => set.includes(x)));
  });
}

/** The name to show: the Unicode form, followed by its punycode when its labels mix scripts. */
export function displayDomainName(target: { domain: string; displayDomain: string }): string {
  if (target.displayDomain === target.domain || !mixesScripts(target.displayDomain)) return target.displayDomain;
  return `${target.displayDomain} (${target.domain})`;
}
