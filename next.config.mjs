/** @type {import('next').NextConfig} */
const nextConfig = {
  // The Dockerfile runs the standalone server (.next/standalone/server.js).
  output: 'standalone',
  // Native and worker-thread packages must be loaded from node_modules, not bundled.
  serverExternalPackages: ['better-sqlite3', 'pino', 'pino-pretty', 'thread-stream'],
  poweredByHeader: false,
  reactStrictMode: true,
};

export default nextConfig;
