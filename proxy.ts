// Every request except Next's immutable build assets – security headers (lib/http/security-headers.ts),
// and for pages a fresh CSP nonce that Next's renderer reads back from the request.
import { NextResponse, type NextRequest } from 'next/server';
import { getEnv, isDevelopment } from '@/lib/env';
import { createNonce, isHttps, responseKind, securityHeaders } from '@/lib/http/security-headers';

function trustProxy(): boolean {
  try {
    return getEnv().TRUST_PROXY;
  } catch {
    // A bad configuration stops the server at start-up (instrumentation.ts); should one slip
    // through, it only costs HSTS behind a proxy here, never a header that would be wrong.
    return false;
  }
}

export function proxy(request: NextRequest) {
  const { pathname } = request.nextUrl;
  const page = responseKind(pathname) === 'page';
  const nonce = page ? createNonce() : undefined;
  const headers = securityHeaders({
    pathname,
    https: isHttps({ url: request.url, forwardedProto: request.headers.get('x-forwarded-proto'), trustProxy: trustProxy() }),
    ...(nonce ? { nonce } : {}),
    dev: isDevelopment(),
  });
  let response: NextResponse;
  if (page) {
    // Next takes the nonce for its own scripts from the request's CSP header.
    const forwarded = new Headers(request.headers);
    forwarded.set('content-security-policy', headers['Content-Security-Policy']!);
    forwarded.set('x-nonce', nonce!);
    response = NextResponse.next({ request: { headers: forwarded } });
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
