/** The CLI report's headings in the reader's language, from the same message files as the web app. */
import type { Verdict } from '@/lib/report/status';
import en from '@/messages/en.json';
import fr from '@/messages/fr.json';
import type { Locale } from '@/lib/i18n/locales';

export function cliWords(locale: Locale) {
  const m = locale === 'fr' ? fr : en;
  return {
    ...m.cli,
    /** TLS matrix words: suite family names and why an entry was not tested */
    tlsFamily: m.tlsMatrix.family as Record<string, string>,
    tlsReason: m.tlsMatrix.reason as Record<string, string>,
    // English keeps the verdict codes scripts already grep for (OK, CRITICAL, …).
    verdict: (v: Verdict) => (locale === 'en' ? v : m.status.verdict[v]).toUpperCase(),
  };
}
