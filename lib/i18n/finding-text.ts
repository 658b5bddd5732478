/**
 * Finding and recommendation text in a given language. English is the catalogue itself
 * (lib/probe/findings/catalogue.ts, where rules and codes live); other languages come from their
 * message file, keyed by the same stable codes. A code a language lacks falls back to English
 * (tests/unit/i18n-messages.test.ts fails the build of such a gap before it ships).
 */
import { FINDINGS, RECOMMENDATIONS, findingText, recommendationText } from '@/lib/probe/findings/catalogue';
import fr from '@/messages/fr.json';
import type { Locale } from './locales';

type FindingTexts = Record<string, { title: string; explanation: string; fix: string }>;

const TRANSLATED: Record<Exclude<Locale, 'en'>, { findings: FindingTexts; recommendations: Record<string, string> }> = {
  fr: { findings: fr.findings, recommendations: fr.recommendations },
};

type Params = Record<string, string | number | boolean> | undefined;

function fill(template: string, params: Params): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => (params && k in params ? String(params[k]) : m));
}

export function localizedFindingText(locale: Locale, code: string, params?: Params): { title: string; explanation: string; fix: string } {
  if (locale === 'en') return findingText(code, params);
  const text = TRANSLATED[locale].findings[code];
  if (!text || !(code in FINDINGS)) return findingText(code, params);
  return { title: fill(text.title, params), explanation: fill(text.explanation, params), fix: fill(text.fix, params) };
}

export function localizedRecommendationText(locale: Locale, code: string): string {
  if (locale === 'en') return recommendationText(code);
  const text = TRANSLATED[locale].recommendations[code];
  return text !== undefined && code in RECOMMENDATIONS ? text : recommendationText(code);
}
