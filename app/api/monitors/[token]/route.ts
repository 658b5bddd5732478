// GET /api/monitors/:token – a monitor and its delivery log; PATCH – pause, resume or run now; DELETE – remove it
import { NextResponse } from 'next/server';
import { clientKey } from '@/lib/checks/client-key';
import { methodNotAllowed, problem } from '@/lib/http/problem';
import { readJsonBody } from '@/lib/http/read-json-body';
import { withLocalizedErrors } from '@/lib/http/localized-errors';
import { withRequestLog } from '@/lib/http/with-request-log';
import { withServices, type RouteServices } from '@/lib/http/with-services';
import type { MonitorRecord, Monitoring } from '@/lib/monitors/monitoring';
import { UpdateMonitorRequestSchema } from '@/lib/monitors/schemas';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

type Ctx = { params: Promise<{ token: string }> };

/** Finds the monitor the token manages; a wrong token and an unknown monitor answer alike. */
function withMonitor(route: string, handle: (m: MonitorRecord, monitoring: Monitoring, services: RouteServices, request: Request) => Promise<Response>) {
  return withLocalizedErrors(
    withRequestLog(route, async function handler(request: Request, { params }: Ctx) {
      const { token } = await params;
      return withServices({ route }, async (services) => {
        const { monitoring } = services;
        if (!monitoring) return problem('saturated', 'monitors are not available on this server', { retryAfterSec: 60 });
        const m = await monitoring.find(token);
        if (!m) return problem('not_found', 'no monitor with this token');
        return handle(m, monitoring, services, request);
      });
    }),
  );
}

// The token is the only key to a monitor: never cached, never sent on as a referrer.
const PRIVATE = { 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' };

export const GET = withMonitor('GET /api/monitors/:token', async (m, monitoring) =>
  NextResponse.json(await monitoring.view(m), { headers: PRIVATE }),
);

export const PATCH = withMonitor('PATCH /api/monitors/:token', async (m, monitoring, services, request) => {
  const body = await readJsonBody(request, UpdateMonitorRequestSchema, 1024);
  if (!body.ok) return body.response;
  if (body.data.runNow) {
    // Not again while a run is going on or shortly after one: the result is fresh.
    const waitSec = await monitoring.runNowWaitSec(m);
    if (waitSec > 0) {
      return problem('rate_limited', `this monitor ran moments ago; run it again in ${waitSec} s`, {
        retryAfterSec: waitSec,
        details: { reason: 'run-now-cooldown', retryAfterSec: waitSec },
      });
    }
    // "Run now" starts a check: paced like starting one.
    const decision = await services.rateLimiter.take(clientKey(request.headers, { ipv6Prefix: services.ipv6Prefix }));
    if (!decision.allowed) return problem('rate_limited', 'too many checks from your address; try again shortly', { retryAfterSec: decision.retryAfterSec });
  }
  const updated = await monitoring.update(m, body.data);
  if (!updated) return problem('not_found', 'no monitor with this token');
  return NextResponse.json(await monitoring.view(updated), { headers: PRIVATE });
});

export const DELETE = withMonitor('DELETE /api/monitors/:token', async (m, monitoring) => {
  await monitoring.remove(m);
  return new Response(null, { status: 204, headers: PRIVATE });
});

export const POST = methodNotAllowed(['GET', 'PATCH', 'DELETE']);
export const PUT = POST;
