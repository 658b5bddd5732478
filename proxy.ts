// Every request except Next's immutable build assets – security headers (lib/http/security-headers.ts),
// for pages a fresh CSP nonce that Next's renderer reads back from the request, and for pages the
// language: next-intl's routing (lib/i18n/routing.ts) redirects or rewrites to app/[locale].
import createIntlMiddleware from 'next-intl/middleware';
import { NextRequest, NextResponse } from 'next/server';
import { getEnv } from '@/lib/env';
import { localeFromTag } from '@/lib/i18n/locales';
import { isLocalizedPath, splitLocale } from '@/lib/i18n/localized-path';
import { routing } from '@/lib/i18n/routing';
import { createNonce, isHttps, responseKind, securityHeaders } from '@/lib/http/security-headers';

const intl = createIntlMiddleware(routing);

function trustProxy(): boolean {
  try {
    return getEnv().TRUST_PROXY;
  } catch {
    // A bad configuration is reported when the check service starts; here it only costs HSTS
    // behind a proxy, never a header that would be wrong.
    return false;
  }
}

/**
 * `?lang=fr` on an unprefixed page (the widget's iframe, a shared link) reads as /fr/…: a rewrite,
 * not a redirect, so the iframe's URL stays the one embed.js built (`?lang=en` likewise pins
 * English against a French cookie). It does not change the visitor's remembered language.
 */
function langQueryRewrite(request: NextRequest, headers: Headers): NextResponse | null {
  const lang = localeFromTag(request.nextUrl.searchParams.get('lang'));
  const { locale, path } = splitLocale(request.nextUrl.pathname);
  if (!lang || locale !== null) return null;
  const url = request.nextUrl.clone();
  url.pathname = `/${lang}${path === '/' ? '' : path}`;
  const response = NextResponse.rewrite(url, { request: { headers } });
  response.headers.set('Content-Language', lang);
  return response;
}

export function proxy(request: NextRequest) {
  const { pathname } = request.nextUrl;
  const page = responseKind(pathname) === 'page';
  const nonce = page ? createNonce() : undefined;
  const headers = securityHeaders({
    pathname: splitLocale(pathname).path,
    https: isHttps({ url: request.url, forwardedProto: request.headers.get('x-forwarded-proto'), trustProxy: trustProxy() }),
    ...(nonce ? { nonce } : {}),
    dev: process.env.NODE_ENV === 'development',
  });
  let response: NextResponse;
  if (page) {
    // Next takes the nonce for its own scripts from the request's CSP header.
    const forwarded = new Headers(request.headers);
    forwarded.set('content-security-policy', headers['Content-Security-Policy']!);
    forwarded.set('x-nonce', nonce!);
    if (isLocalizedPath(pathname)) {
      // next-intl's rewrite or next() passes the request's headers on to the page, nonce included.
      response = langQueryRewrite(request, forwarded) ?? intl(new NextRequest(request.url, { headers: forwarded, method: request.method }));
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
