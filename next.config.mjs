import createNextIntlPlugin from 'next-intl/plugin';

// Points next-intl's server functions at the request config (locale from the URL, messages).
const withNextIntl = createNextIntlPlugin('./lib/i18n/request.ts');

/** @type {import('next').NextConfig} */
const nextConfig = {
  // The Dockerfile runs the standalone server (.next/standalone/server.js).
  output: 'standalone',
  // Native and worker-thread packages must be loaded from node_modules, not bundled.
  serverExternalPackages: ['better-sqlite3', 'pino', 'pino-pretty', 'thread-stream'],
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
};

export default withNextIntl(nextConfig);
