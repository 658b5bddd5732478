// GET /api/monitors/:token – a monitor and its delivery log; PATCH – pause, resume or run now; DELETE – remove it
import { NextResponse } from 'next/server';
import { clientKey } from '@/lib/checks/client-key';
import type { AppServices } from '@/lib/checks/get-runner';
import { methodNotAllowed, problem } from '@/lib/http/problem';
import { readJsonBody } from '@/lib/http/read-json-body';
import { withLocalizedErrors } from '@/lib/http/localized-errors';
import { withRequestLog } from '@/lib/http/with-request-log';
import { withServices } from '@/lib/http/with-services';
import { findByToken, monitorView } from '@/lib/monitors/manage-monitor';
import { UpdateMonitorRequestSchema } from '@/lib/monitors/schemas';
import type { MonitorRecord } from '@/lib/store/monitor-store';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

type Ctx = { params: Promise<{ token: string }> };

/** Finds the monitor the token manages; a wrong token and an unknown monitor answer alike. */
function withMonitor(
  route: string,
  handle: (m: MonitorRecord, services: AppServices & { monitoring: NonNullable<AppServices['monitoring']> }, request: Request) => Promise<Response>,
) {
  return withLocalizedErrors(
    withRequestLog(route, async function handler(request: Request, { params }: Ctx) {
      const { token } = await params;
      return withServices({ route }, async (services) => {
        const { monitoring } = services;
        if (!monitoring) return problem('saturated', 'monitors are not available on this server', { retryAfterSec: 60 });
        const m = await findByToken(monitoring.store, decodeURIComponent(token));
        if (!m) return problem('not_found', 'no monitor with this token');
        return handle(m, { ...services, monitoring }, request);
      });
    }),
  );
}

const noStore = { 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' };

export const GET = withMonitor('GET /api/monitors/:token', async (m, { monitoring }) =>
  NextResponse.json(await monitorView(monitoring.store, m), { headers: noStore }),
);

export const PATCH = withMonitor('PATCH /api/monitors/:token', async (m, services, request) => {
  const { monitoring } = services;
  const body = await readJsonBody(request, UpdateMonitorRequestSchema, 1024);
  if (!body.ok) return body.response;
  const now = Date.now();
  if (body.data.runNow) {
    // Paced like starting a check: "run now" starts one.
    const client = clientKey(request.headers, { ipv6Prefix: services.ipv6Prefix });
    const decision = await services.rateLimiter.take(client);
    if (!decision.allowed) return problem('rate_limited', 'too many checks from your address; try again shortly', { retryAfterSec: decision.retryAfterSec });
  }
  const paused = body.data.paused ?? m.paused;
  // Resuming or "run now" makes the monitor due at once; pausing keeps the schedule for later.
  const dueNow = !paused && (body.data.runNow === true || m.paused);
  await monitoring.store.setPaused(m.id, paused, dueNow ? now : m.nextRunAt);
  if (!paused) monitoring.scheduler.nudge();
  const updated = await monitoring.store.getMonitor(m.id);
  if (!updated) return problem('not_found', 'no monitor with this token');
  return NextResponse.json(await monitorView(monitoring.store, updated), { headers: noStore });
});

export const DELETE = withMonitor('DELETE /api/monitors/:token', async (m, { monitoring }) => {
  await monitoring.store.deleteMonitor(m.id);
  return new Response(null, { status: 204, headers: noStore });
});

export const POST = methodNotAllowed(['GET', 'PATCH', 'DELETE']);
export const PUT = POST;
