/**
 * Both languages are complete: every message key exists in messages/en.json and messages/fr.json,
 * with the same ICU arguments and rich-text tags; every finding code and recommendation of the
 * catalogue (English, lib/probe/findings/catalogue.ts) has French with the same placeholders.
 * A key added in one language only, or a placeholder renamed in one, fails here.
 */
import { describe, expect, it } from 'vitest';
import { FINDINGS, RECOMMENDATIONS } from '@/lib/probe/findings/catalogue';
import en from '@/messages/en.json';
import fr from '@/messages/fr.json';

type Tree = { [key: string]: string | Tree };

function leaves(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out.set(key, v);
    else for (const [kk, vv] of leaves(v, key)) out.set(kk, vv);
  }
  return out;
}

/**
 * The arguments and tags of an ICU message: `{name}`, `{n, plural, …}` (its name: a language may
 * need a plural where another does not, as French agrees the verb with the count), `<tag>`.
 * Branch text and `#` are not arguments. Sorted and deduplicated, so the order may differ
 * between languages, as it must.
 */
export function icuSignature(message: string): string[] {
  const names = new Set<string>();
  // A brace right after a plural/select key (one, other, =0, …) opens branch text, not an argument.
  for (const m of message.matchAll(/(?<!(?:\b(?:zero|one|two|few|many|other)|=\d+)\s*)\{\s*([A-Za-z_][\w-]*)\s*(?:,\s*(\w+))?/g)) {
    names.add(m[1]!);
  }
  for (const m of message.matchAll(/<\/?([A-Za-z][\w-]*)>/g)) names.add(`<${m[1]}>`);
  return [...names].sort();
}

/** Braces must balance, or next-intl fails at render time rather than here. */
function balanced(message: string): boolean {
  let depth = 0;
  for (const c of message) {
    if (c === '{') depth++;
    if (c === '}' && --depth < 0) return false;
  }
  return depth === 0;
}

const { findings: frFindings, recommendations: frRecommendations, ...frUi } = fr;
const enLeaves = leaves(en as Tree);
const frLeaves = leaves(frUi as Tree);

describe('message files', () => {
  it('have the same keys in English and French', () => {
    expect([...frLeaves.keys()].filter((k) => !enLeaves.has(k)), 'keys only in French').toEqual([]);
    expect([...enLeaves.keys()].filter((k) => !frLeaves.has(k)), 'keys missing in French').toEqual([]);
  });

  it('use the same ICU arguments and tags in both languages', () => {
    const differing = [...enLeaves].filter(([k, v]) => frLeaves.has(k) && icuSignature(v).join() !== icuSignature(frLeaves.get(k)!).join());
    expect(differing.map(([k]) => k)).toEqual([]);
  });

  it('have balanced braces and no empty message', () => {
    for (const [k, v] of [...enLeaves, ...frLeaves]) {
      expect(balanced(v), k).toBe(true);
      expect(v.trim(), k).not.toBe('');
    }
  });

  it('translate every finding code of the catalogue, with the same placeholders', () => {
    const codes = Object.keys(FINDINGS);
    expect(codes.filter((c) => !(c in frFindings)), 'finding codes without French').toEqual([]);
    expect(Object.keys(frFindings).filter((c) => !(c in FINDINGS)), 'French for codes the catalogue lacks').toEqual([]);
    for (const code of codes) {
      const english = FINDINGS[code as keyof typeof FINDINGS];
      const french = frFindings[code as keyof typeof frFindings];
      for (const field of ['title', 'explanation', 'fix'] as const) {
        expect(icuSignature(french[field]), `${code}.${field}`).toEqual(icuSignature(english[field]));
        expect(french[field].trim(), `${code}.${field}`).not.toBe('');
      }
    }
  });

  it('translate every recommendation', () => {
    expect(Object.keys(RECOMMENDATIONS).filter((c) => !(c in frRecommendations))).toEqual([]);
    expect(Object.keys(frRecommendations).filter((c) => !(c in RECOMMENDATIONS))).toEqual([]);
  });
});

describe('icuSignature', () => {
  it('reads arguments, plural arguments and tags, not plural branch text', () => {
    expect(icuSignature('Checked <time>{date}</time> · {n, plural, one {# host} other {# hosts}}')).toEqual(['<time>', 'date', 'n']);
    expect(icuSignature('{a, plural, one {# sur {b} a répondu} other {# sur {b} ont répondu}}')).toEqual(['a', 'b']);
  });
  it('does not take plural branch text for an argument', () => {
    expect(icuSignature('{a} {p, plural, one {adresse sur #} other {adresses sur #}}')).toEqual(['a', 'p']);
  });
  it('tells a renamed placeholder apart', () => {
    expect(icuSignature('{host} expired')).not.toEqual(icuSignature('{hostname} a expiré'));
  });
});

describe('every message formats', () => {
  it('parses and renders in both languages with its arguments and tags (ICU syntax, escapes, plurals)', async () => {
    const { createTranslator } = await import('next-intl');
    const { uiMessages } = await import('@/lib/i18n/messages');
    for (const locale of ['en', 'fr'] as const) {
      const errors: string[] = [];
      const t = createTranslator({ locale, messages: uiMessages(locale), onError: (e) => errors.push(e.message) });
      for (const [key, message] of leaves(uiMessages(locale) as unknown as Tree)) {
        const values: Record<string, unknown> = {};
        for (const name of icuSignature(message)) {
          if (name.startsWith('<')) values[name.slice(1, -1)] = (chunks: string) => `[${chunks}]`;
          else values[name] = 2;
        }
        const out = t.markup(key as never, values as never);
        expect(out, `${locale}:${key}`).not.toBe(key);
        expect(out, `${locale}:${key}`).not.toMatch(/[{}]\s*$/);
      }
      expect(errors, locale).toEqual([]);
    }
  });
});
