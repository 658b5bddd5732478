// Every request except Next's immutable build assets – security headers (lib/http/security-headers.ts),
// for pages a fresh CSP nonce that Next's renderer reads back from the request, and for pages the
// language: next-intl's routing (lib/i18n/routing.ts) redirects or rewrites to app/[locale].
import createIntlMiddleware from 'next-intl/middleware';
import { NextResponse, type NextRequest } from 'next/server';
import { envSetting, isDevelopment } from '@/lib/env';
import { localeFromTag } from '@/lib/i18n/locales';
import { isLocalizedPath, splitLocale } from '@/lib/i18n/localized-path';
import { routing } from '@/lib/i18n/routing';
import { createNonce, requestSecurityHeaders, responseKind } from '@/lib/http/security-headers';

const intl = createIntlMiddleware(routing);
/** next-intl's request header for the locale (next-intl/dist/…/shared/constants.js HEADER_LOCALE_NAME) */
const INTL_LOCALE_HEADER = 'X-NEXT-INTL-LOCALE';

/**
 * next-intl decides redirects (a remembered or negotiated French on an unprefixed page, /en/… to
 * its unprefixed form), the language cookie and the hreflang Link header. Where it would rewrite an
 * unprefixed page to /en/…, next.config.mjs's rewrites do it instead (see there why), so the
 * request goes on unchanged, carrying the nonce; its cookie and Link headers are kept.
 */
function localeRouting(request: NextRequest, headers: Headers): NextResponse {
  const lang = localeFromTag(request.nextUrl.searchParams.get('lang'));
  const prefixed = splitLocale(request.nextUrl.pathname).locale;
  if (lang && prefixed === null) {
    // ?lang= pins the language (next.config.mjs rewrites to /<lang>/…): no redirect, no cookie.
    headers.set(INTL_LOCALE_HEADER, lang);
    const response = NextResponse.next({ request: { headers } });
    response.headers.set('Content-Language', lang);
    return response;
  }
  const routed = intl(request);
  if (routed.status >= 300 && routed.status < 400) return routed;
  // Not redirected: the page's language is its prefix, or English at the root. next-intl's server
  // functions read it from this header wherever setRequestLocale has not reached (its own next()
  // would have set it; the request goes on with ours instead).
  headers.set(INTL_LOCALE_HEADER, prefixed ?? routing.defaultLocale);
  const response = NextResponse.next({ request: { headers } });
  for (const name of ['set-cookie', 'link']) {
    const value = routed.headers.get(name);
    if (value) response.headers.set(name, value);
  }
  return response;
}

export function proxy(request: NextRequest) {
  const { pathname } = request.nextUrl;
  const page = responseKind(pathname) === 'page';
  const nonce = page ? createNonce() : undefined;
  // A configuration that does not parse stops the server at start-up; should one slip through, it
  // only costs HSTS behind a proxy here, never a header that would be wrong.
  const headers = requestSecurityHeaders(request, {
    pathname: splitLocale(pathname).path,
    trustProxy: envSetting('TRUST_PROXY', false),
    dev: isDevelopment(),
    ...(nonce ? { nonce } : {}),
  });
  let response: NextResponse;
  if (page) {
    // Next takes the nonce for its own scripts from the request's CSP header.
    const forwarded = new Headers(request.headers);
    forwarded.set('content-security-policy', headers['Content-Security-Policy']!);
    forwarded.set('x-nonce', nonce!);
    if (isLocalizedPath(pathname)) {
      response = localeRouting(request, forwarded);
    } else {
      response = NextResponse.next({ request: { headers: forwarded } });
    }
  } else {
    response = NextResponse.next();
  }
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
}

export const config = {
  // Hashed build assets are immutable and carry no user content; everything else gets the headers.
  matcher: ['/((?!_next/static|_next/image).*)'],
};
