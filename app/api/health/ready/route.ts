// GET /api/health/ready – readiness: store writable, runner accepting, not shutting down
import { NextResponse } from 'next/server';
import { getServices, type AppServices } from '@/lib/checks/get-runner';
import { readiness } from '@/lib/checks/readiness';
import type { ReadinessResponse } from '@/lib/http/api-schemas';
import { methodNotAllowed } from '@/lib/http/problem';
import { withRequestLog } from '@/lib/http/with-request-log';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export const GET = withRequestLog('GET /api/health/ready', async function get() {
  let services: AppServices | undefined;
  try {
    services = await getServices();
  } catch {
    // the services could not start (logged by getServices): not ready
  }
  const r = await readiness(services);
  const body: ReadinessResponse = { status: r.ready ? 'ready' : 'not-ready', checks: r.checks };
  return NextResponse.json(body, { status: r.ready ? 200 : 503, headers: { 'Cache-Control': 'no-store' } });
});

export const POST = methodNotAllowed(['GET']);
