import { defineRouting } from 'next-intl/routing';
import { DEFAULT_LOCALE, LOCALES, LOCALE_COOKIE } from './locales';

/**
 * English unprefixed at the root, so every permalink ever shared (/check/<id>, /embed/<id>,
 * /docs/api) keeps working; French under /fr. The first visit negotiates from Accept-Language;
 * the cookie remembers the language once chosen (a year, like the theme).
 */
export const routing = defineRouting({
  locales: LOCALES,
  defaultLocale: DEFAULT_LOCALE,
  localePrefix: 'as-needed',
  localeCookie: { name: LOCALE_COOKIE, maxAge: 60 * 60 * 24 * 365, sameSite: 'lax' },
});
