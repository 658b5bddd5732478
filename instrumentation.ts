// Next.js start-up hook: runs once per server process, before it accepts a request.
// The environment is validated here, so a bad value stops the server with a message naming the
// variable instead of surfacing as a 500 on the first check.

export async function register() {
  // NEXT_RUNTIME is set by Next itself (and inlined at build): the env module needs Node.
  if (process.env.NEXT_RUNTIME === 'nodejs') {
    const { validateEnvOrExit } = await import('@/lib/env');
    validateEnvOrExit();
  }
}
