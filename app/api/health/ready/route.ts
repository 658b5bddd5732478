// GET /api/health/ready – readiness: store writable, runner accepting, not shutting down
import { NextResponse } from 'next/server';
import { readiness } from '@/lib/checks/readiness';
import type { ReadinessResponse } from '@/lib/http/api-schemas';
import { methodNotAllowed } from '@/lib/http/problem';
import { withRequestLog } from '@/lib/http/with-request-log';
import { withServices } from '@/lib/http/with-services';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

async function answer(services: Parameters<typeof readiness>[0]): Promise<Response> {
  const r = await readiness(services);
  const body: ReadinessResponse = { status: r.ready ? 'ready' : 'not-ready', checks: r.checks };
  return NextResponse.json(body, { status: r.ready ? 200 : 503, headers: { 'Cache-Control': 'no-store' } });
}

export const GET = withRequestLog('GET /api/health/ready', async function get() {
  // the services could not start (logged by getServices): not ready
  return withServices({ route: 'GET /api/health/ready' }, (services) => answer(services), { unavailable: () => answer(undefined) });
});

export const POST = methodNotAllowed(['GET']);
