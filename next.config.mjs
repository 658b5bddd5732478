import createNextIntlPlugin from 'next-intl/plugin';
import { SERVER_EXTERNAL_PACKAGES } from './scripts/server-external-packages.mjs';

// Points next-intl's server functions at the request config (locale from the URL, messages).
const withNextIntl = createNextIntlPlugin('./lib/i18n/request.ts');

/** @type {import('next').NextConfig} */
const nextConfig = {
  // The Dockerfile runs the standalone server (.next/standalone/server.js).
  output: 'standalone',
  // Native and worker-thread packages must be loaded from node_modules, not bundled (the list is
  // shared with the worker's build, scripts/build-worker.mjs).
  serverExternalPackages: SERVER_EXTERNAL_PACKAGES,
  // The Postgres store reads its versioned migrations (lib/store/pg-migrate.ts) at start: not an
  // import, so the tracer cannot see them; copied beside the standalone server explicitly.
  outputFileTracingIncludes: { '/**': ['./lib/store/pg-migrations/*.sql'] },
  poweredByHeader: false,
  // The build type-checks the app only; `npm test` type-checks everything (tests, CLI) with tsc.
  typescript: { tsconfigPath: 'tsconfig.build.json' },
  experimental: {
    // proxy.ts runs on API routes too (security headers), and Next then buffers each request body
    // so both can read it: 10 MB per request by default. The API accepts 4 KB bodies
    // (MAX_BODY_BYTES); anything larger is refused anyway, so buffer little.
    proxyClientMaxBodySize: '16kb',
  },
  reactStrictMode: true,
  /*
   * Pages live under app/[locale]. English is served unprefixed, so these rewrites map the root
   * paths to /en/… inside the router rather than proxy.ts doing it: a rewrite issued by the proxy
   * comes back with a `localhost` origin, which Next treats as an external URL (and proxies over
   * HTTP to itself) whenever the server listens on 127.0.0.1, as `npm start` does.
   * `?lang=` pins a page's language (the widget's iframe) without a redirect or a cookie.
   */
  async rewrites() {
    // Route handlers with dynamic segments (preview images under og/, a domain's feed.xml) are matched
    // after these rewrites, so they are left out here or they would land on the localized 404.
    const page = '(?!(?:api|badge|schema|_next|en|fr|og)(?:/|$))(?!domain/[^/]+/feed\\.xml$).+';
    const lang = { type: 'query', key: 'lang', value: '(?<lang>en|fr)' };
    return {
      beforeFiles: [
        { source: '/', has: [lang], destination: '/:lang' },
        { source: '/:path((?:check|embed|docs)/.+)', has: [lang], destination: '/:lang/:path' },
      ],
      afterFiles: [
        { source: '/', destination: '/en' },
        { source: `/:path(${page})`, destination: '/en/:path' },
      ],
    };
  },
};

export default withNextIntl(nextConfig);
