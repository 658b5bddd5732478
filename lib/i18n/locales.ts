/**
 * The languages mxray speaks and how a request picks one, without any framework: the proxy, the
 * API routes, the badge and the CLI all negotiate with these, so they agree with the pages.
 * English is the default and lives at the root of the site; French lives under /fr.
 */
export const LOCALES = ['en', 'fr'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'en';

/** The cookie that remembers a visitor's choice (next-intl's own name, so its proxy reads it too). */
export const LOCALE_COOKIE = 'NEXT_LOCALE';

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/** "fr", "fr-CA", "FR_fr.UTF-8" → "fr"; anything else → null. */
export function localeFromTag(tag: string | null | undefined): Locale | null {
  if (!tag) return null;
  const primary = tag.trim().toLowerCase().split(/[-_.@]/)[0];
  return isLocale(primary) ? primary : null;
}

/**
 * The best supported language of an Accept-Language header (RFC 9110 §12.5.4): highest q first,
 * ties in the header's order; q=0 means "not this one".
 */
export function negotiateLocale(acceptLanguage: string | null | undefined): Locale | null {
  if (!acceptLanguage) return null;
  const ranked = acceptLanguage
    .split(',')
    .map((part, index) => {
      const [tag, ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)).find(Boolean);
      return { tag: tag?.trim() ?? '', q: q ? Number(q[1]) : 1, index };
    })
    .filter((r) => r.tag && r.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const r of ranked) {
    const locale = localeFromTag(r.tag);
    if (locale) return locale;
  }
  return null;
}

/**
 * The language of a response that has no URL of its own (API, badge): an explicit `?lang=` wins,
 * then Accept-Language, then English.
 */
export function requestLocale(url: URL | string, headers: Headers): Locale {
  return localeOfRequest(new URL(url).searchParams.get('lang'), headers.get('accept-language'));
}

/** requestLocale from the two values it reads: the `lang` query parameter and Accept-Language. */
export function localeOfRequest(lang: string | null, acceptLanguage: string | null): Locale {
  return localeFromTag(lang) ?? negotiateLocale(acceptLanguage) ?? DEFAULT_LOCALE;
}
