/** The CLI report's headings in the reader's language, from the same message files as the web app. */
import type { Verdict } from '@/lib/report/status';
import en from '@/messages/en.json';
import fr from '@/messages/fr.json';
import type { Locale } from '@/lib/i18n/locales';

export function cliWords(locale: Locale) {
  const m = locale === 'fr' ? fr : en;
  return {
    ...m.cli,
    // English keeps the verdict codes scripts already grep for (OK, CRITICAL, …).
    verdict: (v: Verdict) => (locale === 'en' ? v : m.status.verdict[v]).toUpperCase(),
  };
}
