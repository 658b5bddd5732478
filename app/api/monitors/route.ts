// POST /api/monitors – create a monitor (no account: the answer holds a capability token, shown once)
import { NextResponse } from 'next/server';
import { clientKey } from '@/lib/checks/client-key';
import { methodNotAllowed, problem } from '@/lib/http/problem';
import { publicOrigin } from '@/lib/http/public-origin';
import { readJsonBody } from '@/lib/http/read-json-body';
import { withLocalizedErrors } from '@/lib/http/localized-errors';
import { withRequestLog } from '@/lib/http/with-request-log';
import { withServices } from '@/lib/http/with-services';
import { manageLinks } from '@/lib/monitors/manage-monitor';
import { CreateMonitorRequestSchema, type CreateMonitorResponse } from '@/lib/monitors/schemas';
import { currentMetrics } from '@/lib/observability/metrics';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** A monitor with five webhook URLs of 2,000 characters still fits. */
const MAX_MONITOR_BODY_BYTES = 16 * 1024;

export const POST = withLocalizedErrors(
  withRequestLog('POST /api/monitors', async function post(request: Request) {
    return withServices({ route: 'POST /api/monitors' }, async (services) => {
      const { monitoring } = services;
      if (!monitoring) return problem('saturated', 'monitors are not available on this server', { retryAfterSec: 60 });
      const client = clientKey(request.headers, { ipv6Prefix: services.ipv6Prefix });
      // The checks' limiter under a key of its own: creating monitors is paced like starting checks.
      const decision = await services.rateLimiter.take(`monitors:${client}`);
      if (!decision.allowed) {
        currentMetrics()?.rateLimited.inc({ route: 'POST /api/monitors', reason: 'rate' });
        return problem('rate_limited', 'too many requests from your address; try again shortly', { retryAfterSec: decision.retryAfterSec });
      }
      const body = await readJsonBody(request, CreateMonitorRequestSchema, MAX_MONITOR_BODY_BYTES);
      if (!body.ok) return body.response;
      const domain = monitoring.normalizeDomain(body.data.domain);
      if (!domain.ok) return problem('invalid_input', domain.message, { details: { reason: domain.code } });
      const origin = publicOrigin(request.headers, { trustProxy: services.trustProxy });
      const created = await monitoring.create({ ...body.data, domain: domain.ascii }, { client, origin });
      if (!created.ok) {
        return created.code === 'quota_exceeded'
          ? problem('quota_exceeded', created.message)
          : problem('invalid_input', created.message, { details: created.details });
      }
      const links = manageLinks(origin, created.token);
      const payload: CreateMonitorResponse = {
        id: created.monitor.id,
        token: created.token,
        ...links,
        signingSecret: created.monitor.signingSecret,
        nextRunAt: new Date(created.monitor.nextRunAt).toISOString(),
      };
      return NextResponse.json(payload, { status: 201, headers: { 'Cache-Control': 'no-store', Location: links.apiUrl } });
    });
  }),
);

export const GET = methodNotAllowed(['POST']);
export const PUT = GET;
export const PATCH = GET;
export const DELETE = GET;
