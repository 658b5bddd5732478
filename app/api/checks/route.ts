// POST /api/checks – start a check (or get the one already running or just finished for that domain)
import { NextResponse } from 'next/server';
import { clientKey } from '@/lib/checks/client-key';
import {
  CreateCheckRequestSchema,
  MAX_BODY_BYTES,
  checkLinks,
  type CreateCheckResponse,
} from '@/lib/http/api-schemas';
import { methodNotAllowed, problem } from '@/lib/http/problem';
import { readJsonBody } from '@/lib/http/read-json-body';
import { withLocalizedErrors } from '@/lib/http/localized-errors';
import { withRequestLog } from '@/lib/http/with-request-log';
import { withServices } from '@/lib/http/with-services';
import { currentMetrics } from '@/lib/observability/metrics';
import { apiProxyHeaders, registerDirectRoute } from '@/lib/http/direct-route';
import { envSetting } from '@/lib/env';
import { logger } from '@/lib/log';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export const POST = withLocalizedErrors(withRequestLog('POST /api/checks', async function post(request: Request) {
  return withServices({ route: 'POST /api/checks' }, async (services) => {
    const { runner, rateLimiter } = services;
    // Rate limit first: refusing is cheaper than reading and validating a body.
    const client = clientKey(request.headers, { ipv6Prefix: services.ipv6Prefix });
    const decision = await rateLimiter.take(client);
    if (!decision.allowed) {
      currentMetrics()?.rateLimited.inc({ route: 'POST /api/checks', reason: 'rate' });
      return problem('rate_limited', 'too many checks from your address; try again shortly', {
        retryAfterSec: decision.retryAfterSec,
      });
    }

    const body = await readJsonBody(request, CreateCheckRequestSchema, MAX_BODY_BYTES);
    if (!body.ok) return body.response;

    const started = await runner.start(body.data.domain, body.data.mode ?? 'domain', client, {
      visibility: body.data.visibility ?? 'public',
      ...(body.data.relayTest ? { relayTest: true } : {}),
      ...(body.data.vantages ? { vantages: body.data.vantages } : {}),
    });
    if (!started.ok) {
      if (started.code === 'saturated') {
        currentMetrics()?.saturated.inc({ reason: runner.accepting() ? 'busy' : 'shutting_down' });
        return problem('saturated', started.message, { retryAfterSec: started.retryAfterSec });
      }
      if (started.code === 'client_busy') {
        currentMetrics()?.rateLimited.inc({ route: 'POST /api/checks', reason: 'client_busy' });
        return problem('rate_limited', started.message, { retryAfterSec: started.retryAfterSec });
      }
      return problem('invalid_input', started.message, { details: { reason: started.reason } });
    }

    const urls = checkLinks(started.id);
    const payload: CreateCheckResponse = {
      id: started.id,
      status: started.status,
      deduped: started.deduped,
      urls,
      ...(started.group ? { vantages: started.group.map((g) => ({ ...g, urls: checkLinks(g.id) })) } : {}),
    };
    return NextResponse.json(payload, {
      status: started.deduped ? 200 : 201,
      headers: {
        // no-transform: Next would otherwise open a gzip stream for these ~150 bytes (it cannot see
        // their length), about a tenth of the web thread's time per POST under load.
        'Cache-Control': 'no-store, no-transform',
        'X-Check-Id': started.id,
        ...(started.deduped ? {} : { Location: urls.self }),
      },
    });
  });
}));

// The production server answers this POST beside Next's router too (lib/http/direct-route.ts): the
// same handler, without Next's per-request work (its router, the middleware, the app-route
// wrapper's stores): a few ms of the web thread's CPU per POST, which a burst of hundreds at once
// turns into seconds of waiting. CHECK_POSTS_DIRECT=false leaves them to Next.
if (envSetting('CHECK_POSTS_DIRECT', true)) {
  registerDirectRoute('POST /api/checks', {
    match: (method, pathname) => (method === 'POST' && pathname === '/api/checks' ? POST : undefined),
    headers: apiProxyHeaders,
    onError: (err) => logger.error({ err, route: 'POST /api/checks' }, 'direct check POST failed'),
  });
}

export const GET = methodNotAllowed(['POST']);
export const PUT = GET;
export const PATCH = GET;
export const DELETE = GET;
