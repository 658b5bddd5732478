import type { Metadata } from 'next';
import { DEFAULT_LOCALE, LOCALES } from './locales';

/**
 * hreflang alternates of a page (Google's "Tell Google about localized versions"): every language's
 * URL, plus x-default for the unprefixed English one. `path` is the page without its locale.
 */
export function alternatesFor(path: string): NonNullable<Metadata['alternates']> {
  const href = (l: string) => (l === DEFAULT_LOCALE ? path : `/${l}${path === '/' ? '' : path}`);
  return {
    languages: { ...Object.fromEntries(LOCALES.map((l) => [l, href(l)])), 'x-default': href(DEFAULT_LOCALE) },
  };
}
