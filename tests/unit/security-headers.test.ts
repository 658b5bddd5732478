import { describe, expect, it } from 'vitest';
import {
  HSTS_VALUE,
  contentSecurityPolicy,
  createNonce,
  isHttps,
  responseKind,
  securityHeaders,
} from '@/lib/http/security-headers';

/** Directive name → its value, as a browser would split the header. */
function directives(csp: string): Map<string, string> {
  return new Map(
    csp.split(';').map((d) => {
      const [name = '', ...rest] = d.trim().split(/\s+/);
      return [name, rest.join(' ')] as const;
    }),
  );
}

const NONCE = 'AAECAwQFBgcICQoLDA0ODw==';

describe('page Content-Security-Policy', () => {
  const page = directives(contentSecurityPolicy({ pathname: '/check/abc', https: false, nonce: NONCE }));

  it('allows scripts and styles only from our origin and with the request nonce, never inline or eval', () => {
    expect(page.get('script-src')).toBe(`'self' 'nonce-${NONCE}' 'strict-dynamic'`);
    expect(page.get('style-src')).toBe(`'self' 'nonce-${NONCE}'`);
    const csp = contentSecurityPolicy({ pathname: '/', https: false, nonce: NONCE });
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
  });

  it('locks down everything else', () => {
    expect(page.get('default-src')).toBe("'self'");
    expect(page.get('object-src')).toBe("'none'");
    expect(page.get('base-uri')).toBe("'none'");
    expect(page.get('form-action')).toBe("'self'");
    expect(page.get('connect-src')).toBe("'self'");
    expect(page.get('frame-ancestors')).toBe("'none'");
  });

  it('lets only /embed/ pages be framed, by anyone', () => {
    expect(directives(contentSecurityPolicy({ pathname: '/embed/abc', https: false, nonce: NONCE })).get('frame-ancestors')).toBe('*');
    expect(directives(contentSecurityPolicy({ pathname: '/embedded', https: false, nonce: NONCE })).get('frame-ancestors')).toBe("'none'");
    expect(securityHeaders({ pathname: '/embed/abc', https: false, nonce: NONCE })['X-Frame-Options']).toBeUndefined();
    expect(securityHeaders({ pathname: '/check/abc', https: false, nonce: NONCE })['X-Frame-Options']).toBe('DENY');
  });

  it('upgrades insecure requests only over HTTPS (on plain loopback HTTP it would break our own assets)', () => {
    expect(page.has('upgrade-insecure-requests')).toBe(false);
    expect(contentSecurityPolicy({ pathname: '/', https: true, nonce: NONCE })).toContain('upgrade-insecure-requests');
  });

  it('relaxes only what next dev needs, and only in dev', () => {
    const dev = directives(contentSecurityPolicy({ pathname: '/', https: false, nonce: NONCE, dev: true }));
    expect(dev.get('script-src')).toContain("'unsafe-eval'");
    expect(dev.get('style-src')).toContain("'unsafe-inline'");
  });

  it('refuses to build a page policy without a well-formed nonce', () => {
    expect(() => contentSecurityPolicy({ pathname: '/', https: false })).toThrow(/nonce/);
    expect(() => contentSecurityPolicy({ pathname: '/', https: false, nonce: "x' 'unsafe-inline" })).toThrow(/nonce/);
  });
});

describe('API Content-Security-Policy', () => {
  it('lets nothing load and nothing frame', () => {
    expect(responseKind('/api/checks')).toBe('api');
    expect(responseKind('/api')).toBe('api');
    expect(responseKind('/apidocs')).toBe('page');
    const api = directives(contentSecurityPolicy({ pathname: '/api/checks/x/events', https: false }));
    expect(api.get('default-src')).toBe("'none'");
    expect(api.get('frame-ancestors')).toBe("'none'");
  });
});

describe('the other headers', () => {
  it('are on every response', () => {
    for (const h of [securityHeaders({ pathname: '/', https: false, nonce: NONCE }), securityHeaders({ pathname: '/api/health', https: false })]) {
      expect(h['X-Content-Type-Options']).toBe('nosniff');
      expect(h['Referrer-Policy']).toBe('no-referrer');
      expect(h['Permissions-Policy']).toMatch(/camera=\(\).*geolocation=\(\).*microphone=\(\)/);
      expect(h['Strict-Transport-Security']).toBeUndefined();
    }
  });

  it('add HSTS only over HTTPS', () => {
    expect(securityHeaders({ pathname: '/', https: true, nonce: NONCE })['Strict-Transport-Security']).toBe(HSTS_VALUE);
    expect(securityHeaders({ pathname: '/api/health', https: true })['Strict-Transport-Security']).toBe(HSTS_VALUE);
  });
});

describe('isHttps', () => {
  it('believes X-Forwarded-Proto only from a trusted proxy, and only its first value', () => {
    expect(isHttps({ url: 'http://127.0.0.1/', forwardedProto: 'https', trustProxy: true })).toBe(true);
    expect(isHttps({ url: 'http://127.0.0.1/', forwardedProto: 'HTTPS , http', trustProxy: true })).toBe(true);
    expect(isHttps({ url: 'http://127.0.0.1/', forwardedProto: 'http, https', trustProxy: true })).toBe(false);
    expect(isHttps({ url: 'http://127.0.0.1/', forwardedProto: 'https', trustProxy: false })).toBe(false);
  });

  it('otherwise goes by the request URL', () => {
    expect(isHttps({ url: 'https://mxray.example/', forwardedProto: null, trustProxy: false })).toBe(true);
    expect(isHttps({ url: 'http://mxray.example/', forwardedProto: null, trustProxy: true })).toBe(false);
    expect(isHttps({ url: 'not a url', forwardedProto: null, trustProxy: false })).toBe(false);
  });
});

describe('createNonce', () => {
  it('is 128 random bits in base64, different every time', () => {
    const seen = new Set(Array.from({ length: 1000 }, createNonce));
    expect(seen.size).toBe(1000);
    for (const n of seen) expect(Buffer.from(n, 'base64')).toHaveLength(16);
  });
});
