/**
 * Finding and recommendation text in a given language. English is the catalogue itself
 * (lib/probe/findings/catalogue.ts, where rules and codes live); other languages come from their
 * message file, keyed by the same stable codes. A code a language lacks falls back to English
 * (tests/unit/i18n-messages.test.ts fails the build of such a gap before it ships).
 */
import { findingText, recommendationText, type FindingCode, type RecommendationCode } from '@/lib/probe/findings/catalogue';
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

// Codes are the catalogue's closed enums (issue 9): an unknown code is a type error, not a runtime case.
export function localizedFindingText(locale: Locale, code: FindingCode, params?: Params): { title: string; explanation: string; fix: string } {
  if (locale === 'en') return findingText(code, params);
  const text = TRANSLATED[locale].findings[code];
  if (!text) return findingText(code, params);
  return { title: fill(text.title, params), explanation: fill(text.explanation, params), fix: fill(text.fix, params) };
}

export function localizedRecommendationText(locale: Locale, code: RecommendationCode): string {
  if (locale === 'en') return recommendationText(code);
  const text = TRANSLATED[locale].recommendations[code];
  return text !== undefined ? text : recommendationText(code);
}
