/**
 * Next calls register() once when a server process starts, before it handles a request.
 * Each concern keeps its code in its own module and has one line here.
 */
export async function register(): Promise<void> {
  // Node server only; `next build` also loads this file while prerendering: no servers in a build.
  if (process.env.NEXT_RUNTIME !== 'nodejs' || process.env.NEXT_PHASE === 'phase-production-build') return;
  // Metrics endpoint, tracing, readiness on shutdown (lib/observability/register.ts).
  await (await import('@/lib/observability/register')).registerObservability();
}
