/**
 * POST /api/checks – start a check (or get the one already running or just finished for that
 * domain): the route's whole logic, framework-neutral (lib/http/reply.ts). Next's route handler
 * (app/api/checks/route.ts) and the production server's direct path (lib/http/direct-route.ts)
 * both carry it: rate limit, media type, body caps, JSON and zod validation, runner.start (dedupe,
 * input rules, saturation), problem codes in the caller's language, the request log line, and the
 * Location, X-Check-Id, Retry-After and Cache-Control headers.
 */
import { clientKey } from '@/lib/checks/client-key';
import { CreateCheckRequestSchema, MAX_BODY_BYTES, checkLinks, type CreateCheckResponse } from '@/lib/http/api-schemas';
import { localizeReply } from '@/lib/http/localized-errors';
import { problemReply } from '@/lib/http/problem';
import { readJsonReply } from '@/lib/http/read-json-body';
import type { CoreRequest, JsonReply, Reply } from '@/lib/http/reply';
import { logReply } from '@/lib/http/with-request-log';
import { withServiceReply } from '@/lib/http/with-services';
import { currentMetrics } from '@/lib/observability/metrics';

const ROUTE = 'POST /api/checks';

export function createCheck(request: CoreRequest): Promise<Reply> {
  return logReply(ROUTE, request, async () => localizeReply(request, await create(request)));
}

function create(request: CoreRequest): Promise<Reply> {
  return withServiceReply({ route: ROUTE }, async (services) => {
    const { runner, rateLimiter } = services;
    // Rate limit first: refusing is cheaper than reading and validating a body.
    const client = clientKey({ get: request.header }, { ipv6Prefix: services.ipv6Prefix });
    const decision = await rateLimiter.take(client);
    if (!decision.allowed) {
      currentMetrics()?.rateLimited.inc({ route: ROUTE, reason: 'rate' });
      return problemReply('rate_limited', 'too many checks from your address; try again shortly', {
        retryAfterSec: decision.retryAfterSec,
      });
    }

    const body = await readJsonReply(request, CreateCheckRequestSchema, MAX_BODY_BYTES);
    if (!body.ok) return body.reply;

    const started = await runner.start(body.data.domain, body.data.mode ?? 'domain', client, {
      visibility: body.data.visibility ?? 'public',
      ...(body.data.relayTest ? { relayTest: true } : {}),
      ...(body.data.vantages ? { vantages: body.data.vantages } : {}),
    });
    if (!started.ok) {
      if (started.code === 'saturated') {
        currentMetrics()?.saturated.inc({ reason: runner.accepting() ? 'busy' : 'shutting_down' });
        return problemReply('saturated', started.message, { retryAfterSec: started.retryAfterSec });
      }
      if (started.code === 'client_busy') {
        currentMetrics()?.rateLimited.inc({ route: ROUTE, reason: 'client_busy' });
        return problemReply('rate_limited', started.message, { retryAfterSec: started.retryAfterSec });
      }
      return problemReply('invalid_input', started.message, { details: { reason: started.reason } });
    }

    const urls = checkLinks(started.id);
    const payload: CreateCheckResponse = {
      id: started.id,
      status: started.status,
      deduped: started.deduped,
      urls,
      ...(started.group ? { vantages: started.group.map((g) => ({ ...g, urls: checkLinks(g.id) })) } : {}),
    };
    const reply: JsonReply = {
      status: started.deduped ? 200 : 201,
      headers: {
        'Content-Type': 'application/json',
        // no-transform: Next would otherwise open a gzip stream for these ~150 bytes (it cannot see
        // their length), about a tenth of the web thread's time per POST under load.
        'Cache-Control': 'no-store, no-transform',
        'X-Check-Id': started.id,
        ...(started.deduped ? {} : { Location: urls.self }),
      },
      body: payload,
    };
    return reply;
  });
}
