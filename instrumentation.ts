// Next.js start-up hook: runs once per server process, before it accepts a request.
// The environment is validated here, so a bad value stops the server with a message naming the
// variable instead of surfacing as a 500 on the first check. Each concern keeps its code in its
// own module and has one line here.

export async function register() {
  // NEXT_RUNTIME is set by Next itself (and inlined at build): the env module needs Node.
  if (process.env.NEXT_RUNTIME === 'nodejs') {
    const { validateEnvOrExit } = await import('@/lib/env');
    validateEnvOrExit();
    // `next build` also loads this file while prerendering: no servers in a build.
    if (process.env.NEXT_PHASE === 'phase-production-build') return;
    // Metrics endpoint, tracing, readiness on shutdown (lib/observability/register.ts).
    await (await import('@/lib/observability/register')).registerObservability();
    // Routes the production server answers beside Next's router register as their modules load
    // (lib/http/direct-route.ts): loaded here, they serve from the first request, not the second.
    await import('@/app/api/checks/route');
    await import('@/app/api/checks/[id]/events/route');
  }
}
