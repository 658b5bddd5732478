/**
 * Next calls register() once when a server process starts, before it handles a request.
 * Each concern keeps its code in its own module and has one line here.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  // Metrics endpoint, tracing, readiness on shutdown (lib/observability/register.ts).
  await (await import('@/lib/observability/register')).registerObservability();
}
