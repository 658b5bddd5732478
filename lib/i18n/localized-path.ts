/**
 * Which paths are pages in a language (routed by next-intl under app/[locale]) and which are not
 * (the API, badges, embed.js, the JSON schemas and other files from public/). Framework-free so
 * the proxy and its unit test share it.
 */
import { LOCALES, type Locale } from './locales';

const NOT_LOCALIZED = /^\/(api|badge|schema|_next|og)(\/|$)/;
/** Widget URLs end in a domain (/embed/domain/example.com), which looks like a file name but is a page. */
const DOMAIN_EMBED = /^(\/[a-z]{2})?\/embed\/domain\/[^/]+$/;

export function isLocalizedPath(pathname: string): boolean {
  if (NOT_LOCALIZED.test(pathname)) return false;
  const last = pathname.slice(pathname.lastIndexOf('/') + 1);
  if (/\.[A-Za-z0-9]+$/.test(last) && !DOMAIN_EMBED.test(pathname)) return false;
  return true;
}

/** "/fr/embed/x" → { locale: 'fr', path: '/embed/x' }; "/embed/x" → { locale: null, path: '/embed/x' } */
export function splitLocale(pathname: string): { locale: Locale | null; path: string } {
  for (const l of LOCALES) {
    if (pathname === `/${l}`) return { locale: l, path: '/' };
    if (pathname.startsWith(`/${l}/`)) return { locale: l, path: pathname.slice(l.length + 1) };
  }
  return { locale: null, path: pathname };
}
