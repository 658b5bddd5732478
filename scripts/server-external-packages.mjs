// Packages the server loads from node_modules instead of bundling them (next.config.mjs
// serverExternalPackages), so the standalone output ships them: native and worker-thread packages,
// and those that must exist once per process. The probe worker (scripts/build-worker.mjs) leaves
// the same ones out of its bundle and bundles the rest, so it runs beside the standalone server's
// node_modules (the Docker image) as well as in a checkout.
export const SERVER_EXTERNAL_PACKAGES = [
  'better-sqlite3',
  // node-postgres (scaled mode, DATABASE_URL): its optional native binding must not be bundled.
  'pg',
  'pino',
  'pino-pretty',
  'thread-stream',
  // One copy shared by instrumentation.ts and every route bundle (one registry, one tracer provider).
  'prom-client',
  '@opentelemetry/api',
  '@opentelemetry/sdk-trace-node',
  '@opentelemetry/exporter-trace-otlp-http',
  '@opentelemetry/resources',
  // Scaled mode (REDIS_URL): loaded only then, from node_modules as the worker loads them.
  'bullmq',
  'ioredis',
];
