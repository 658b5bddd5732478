/**
 * The one place that decides the security headers of every response (proxy.ts applies them):
 * a strict Content-Security-Policy with a per-request nonce for pages, a locked-down policy for the
 * API, nosniff, no referrer, no powerful browser features, framing refused except under /embed/,
 * and HSTS only when the response travels over HTTPS.
 *
 * Why a nonce: Next.js streams its own inline scripts (hydration data) into every page, so a CSP
 * without 'unsafe-inline' needs a fresh nonce per request, which Next reads back from the request's
 * Content-Security-Policy header and puts on its scripts (node_modules/next/dist/docs/01-app/
 * 02-guides/content-security-policy.md). That only works for pages rendered per request, which is
 * why app/template.tsx opts every page into dynamic rendering.
 */

/** Pages under this prefix are meant to be framed by other sites (the embed widget). */
export const EMBED_PREFIX = '/embed/';

/**
 * Two years, the value hstspreload.org asks for (RFC 6797 §6.1.1); includeSubDomains because a
 * tester of mail servers has no business serving anything in clear on a subdomain.
 */
export const HSTS_VALUE = 'max-age=63072000; includeSubDomains';

export type ResponseKind = 'page' | 'api';

export interface SecurityHeaderOptions {
  pathname: string;
  /** the response reaches the browser over HTTPS (see isHttps) */
  https: boolean;
  /** per-request nonce for pages; required for kind 'page' */
  nonce?: string;
  /** next dev needs 'unsafe-eval' (React's error overlay) and inline styles */
  dev?: boolean;
}

export function responseKind(pathname: string): ResponseKind {
  return pathname === '/api' || pathname.startsWith('/api/') ? 'api' : 'page';
}

export function isEmbedPath(pathname: string): boolean {
  return pathname.startsWith(EMBED_PREFIX);
}

/** 128 random bits, base64: unguessable per request (CSP3 §2.3.1 asks for at least 128). */
export function createNonce(): string {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes));
}

export function contentSecurityPolicy(opts: SecurityHeaderOptions): string {
  const frameAncestors = isEmbedPath(opts.pathname) ? '*' : "'none'";
  if (responseKind(opts.pathname) === 'api') {
    // JSON and event streams render nothing: nothing may load, nothing may frame them.
    return `default-src 'none'; frame-ancestors ${frameAncestors}; base-uri 'none'; form-action 'none'`;
  }
  if (!opts.nonce || !/^[A-Za-z0-9+/]+={0,2}$/.test(opts.nonce)) throw new Error('a page needs a base64 nonce');
  const nonce = `'nonce-${opts.nonce}'`;
  const directives = [
    "default-src 'self'",
    // 'strict-dynamic': scripts Next's nonced bootstrap loads are trusted; host lists are ignored.
    `script-src 'self' ${nonce} 'strict-dynamic'${opts.dev ? " 'unsafe-eval'" : ''}`,
    `style-src 'self' ${opts.dev ? "'unsafe-inline'" : nonce}`,
    "img-src 'self' data: blob:",
    "font-src 'self'",
    // the live report reads its event stream from our own API
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    `frame-ancestors ${frameAncestors}`,
    // Only over HTTPS: on plain http://127.0.0.1 it would send the page's own assets to https.
    ...(opts.https ? ['upgrade-insecure-requests'] : []),
  ];
  return directives.join('; ');
}

/** Powerful features no page of ours uses, denied to it and to anything it might embed. */
const PERMISSIONS_POLICY = [
  'accelerometer=()',
  'browsing-topics=()',
  'camera=()',
  'display-capture=()',
  'geolocation=()',
  'gyroscope=()',
  'hid=()',
  'magnetometer=()',
  'microphone=()',
  'midi=()',
  'payment=()',
  'publickey-credentials-get=()',
  'serial=()',
  'usb=()',
].join(', ');

export function securityHeaders(opts: SecurityHeaderOptions): Record<string, string> {
  const embed = isEmbedPath(opts.pathname);
  return {
    'Content-Security-Policy': contentSecurityPolicy(opts),
    'X-Content-Type-Options': 'nosniff',
    // Permalinks (/check/<id>) are unguessable capabilities: a followed link must not leak them.
    'Referrer-Policy': 'no-referrer',
    'Permissions-Policy': PERMISSIONS_POLICY,
    // for browsers that predate frame-ancestors
    ...(embed ? {} : { 'X-Frame-Options': 'DENY' }),
    ...(embed ? {} : { 'Cross-Origin-Opener-Policy': 'same-origin' }),
    ...(opts.https ? { 'Strict-Transport-Security': HSTS_VALUE } : {}),
  };
}

/**
 * The headers of one request's response: securityHeaders with HTTPS decided from the request
 * (isHttps). What proxy.ts sets on every response and the directly served event streams on theirs.
 */
export function requestSecurityHeaders(
  request: { url: string; headers: { get(name: string): string | null } },
  opts: { pathname: string; trustProxy: boolean; dev: boolean; nonce?: string },
): Record<string, string> {
  return securityHeaders({
    pathname: opts.pathname,
    https: isHttps({ url: request.url, forwardedProto: request.headers.get('x-forwarded-proto'), trustProxy: opts.trustProxy }),
    ...(opts.nonce ? { nonce: opts.nonce } : {}),
    dev: opts.dev,
  });
}

/**
 * Whether the browser reached us over HTTPS: X-Forwarded-Proto from our own reverse proxy when
 * TRUST_PROXY says it is ours (its first value: the proxy nearest the client), or the request URL.
 * Note that Next builds the request URL's protocol from the socket or from X-Forwarded-Proto
 * itself; a forged header can only add HSTS to a plain-HTTP response, which browsers ignore
 * (RFC 6797 §8.1), so nothing depends on it being genuine.
 */
export function isHttps(opts: { url: string; forwardedProto: string | null; trustProxy: boolean }): boolean {
  if (opts.trustProxy && opts.forwardedProto) {
    const first = opts.forwardedProto.split(',')[0]?.trim().toLowerCase();
    if (first === 'https') return true;
  }
  try {
    return new URL(opts.url).protocol === 'https:';
  } catch {
    return false;
  }
}
