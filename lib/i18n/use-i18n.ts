/**
 * The report's words in the current language, for components rendered on the server and in the
 * browser alike (the finished report also renders inside the live view). Status words are looked
 * up by their stable codes (verdict, severity, port status, encryption, outcome), never by the
 * English label.
 */
import { useLocale } from 'next-intl';
import { formatDateIn, formatDateTimeIn, formatMsIn } from './format';
import { localizedFindingText, localizedRecommendationText } from './finding-text';
import { isLocale, DEFAULT_LOCALE, type Locale } from './locales';
import type { FindingCode, RecommendationCode } from '@/lib/probe/findings/catalogue';

export function useAppLocale(): Locale {
  const locale = useLocale();
  return isLocale(locale) ? locale : DEFAULT_LOCALE;
}

export function useFormatters() {
  const locale = useAppLocale();
  return {
    locale,
    ms: (ms: number) => formatMsIn(locale, ms),
    date: (iso: string) => formatDateIn(locale, iso),
    dateTime: (iso: string) => formatDateTimeIn(locale, iso),
    finding: (code: FindingCode, params?: Record<string, string | number | boolean>) => localizedFindingText(locale, code, params),
    recommendation: (code: RecommendationCode) => localizedRecommendationText(locale, code),
  };
}
