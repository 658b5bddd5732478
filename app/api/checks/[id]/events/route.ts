// GET /api/checks/:id/events – the check's events as Server-Sent Events: stored ones after
// Last-Event-ID, then live ones, closing after 'check-done' (or an 'interrupted' event); see
// lib/http/api-schemas.ts for the framing.
import { clientKey } from '@/lib/checks/client-key';
import { isCheckId } from '@/lib/store/check-id';
import { SSE_INTERRUPTED_EVENT, type SseInterrupted } from '@/lib/http/api-schemas';
import { methodNotAllowed, problem } from '@/lib/http/problem';
import { sharedFrame, sseResponse } from '@/lib/http/sse';
import { eventJson } from '@/lib/checks/event-json';
import { withLocalizedErrors } from '@/lib/http/localized-errors';
import { withRequestLog } from '@/lib/http/with-request-log';
import { withServices } from '@/lib/http/with-services';
import { apiProxyHeaders, registerDirectRoute } from '@/lib/http/direct-route';
import { envSetting } from '@/lib/env';
import { logger } from '@/lib/log';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** The seq to resume after: EventSource sends the header; ?lastEventId= serves clients that cannot set it. */
function resumeAfter(request: Request): number | null | 'invalid' {
  const raw = request.headers.get('last-event-id') ?? new URL(request.url).searchParams.get('lastEventId');
  if (raw === null || raw.trim() === '') return null;
  return /^\d{1,9}$/.test(raw.trim()) ? Number(raw.trim()) : 'invalid';
}

export const GET = withLocalizedErrors(withRequestLog('GET /api/checks/:id/events', async function get(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  if (!isCheckId(id)) return problem('invalid_input', 'not a check id', { details: { id } });
  const after = resumeAfter(request);
  if (after === 'invalid') return problem('invalid_input', 'Last-Event-ID must be an event seq (a whole number)');
  return withServices({ route: 'GET /api/checks/:id/events', checkId: id }, async (services) => {
    const { runner, queries } = services;
    const check = await runner.getCheck(id);
    if (!check) return problem('not_found', 'no check with this id');
    // A client resuming a finished check it has fully seen: 204 tells EventSource to stop
    // reconnecting (it would otherwise reconnect forever to a stream that ends at once).
    if (after !== null && (check.status === 'done' || check.status === 'interrupted')) {
      if ((await queries.events(id, after)).length === 0) return new Response(null, { status: 204 });
    }
    const grant = services.viewers?.acquire(id, clientKey(request.headers, { ipv6Prefix: services.ipv6Prefix }));
    if (grant && !grant.ok) {
      if (grant.scope === 'total') return problem('saturated', 'too many live viewers right now; try again shortly', { retryAfterSec: 10 });
      const who = grant.scope === 'check' ? 'this check' : 'your address';
      return problem('rate_limited', `too many live viewers for ${who} (at most ${grant.limit}); close one and retry`, {
        retryAfterSec: 5,
      });
    }
    return sseResponse(
      request,
      (sink) => {
        const unsubscribe = runner.subscribe(id, after ?? 0, {
          // One frame per event, shared by all its viewers, from the JSON the runner thread made.
          event: (seq, event) => sink.frame(sharedFrame(event, event.type, seq, () => eventJson(event))),
          end: (end) => {
            if (end.status === 'interrupted') {
              const data: SseInterrupted = { status: 'interrupted', reason: end.reason };
              sink.event(SSE_INTERRUPTED_EVENT, data);
            }
            sink.close();
          },
          // the replay failed (logged by the runner); closing lets the client resume later
          error: () => sink.close(),
        });
        return () => {
          unsubscribe();
          if (grant?.ok) grant.release();
        };
      },
      { retryMs: 3_000, ...(services.sseMaxUnsentBytes ? { maxUnsentBytes: services.sseMaxUnsentBytes } : {}) },
    );
  });
}));

/** The stream's path, with a check id (anything else, or another method, stays with Next). */
const EVENTS_PATH = /^\/api\/checks\/([^/]+)\/events$/;

// The production server serves these streams beside Next's router (lib/http/direct-route.ts): the
// same handler, without Next's per-request machinery held for the check's whole life. The first
// request (which loads this module) is Next's; SSE_DIRECT_STREAMS=false leaves them all to Next.
if (envSetting('SSE_DIRECT_STREAMS', false)) {
  registerDirectRoute('GET /api/checks/:id/events', {
    match(method, pathname) {
      const id = method === 'GET' ? EVENTS_PATH.exec(pathname)?.[1] : undefined;
      if (id === undefined || !isCheckId(id)) return undefined;
      return (request) => GET(request, { params: Promise.resolve({ id }) });
    },
    headers: apiProxyHeaders,
    onError: (err) => logger.error({ err, route: 'GET /api/checks/:id/events' }, 'direct event stream failed'),
  });
}

export const POST = methodNotAllowed(['GET']);
export const PUT = POST;
export const PATCH = POST;
export const DELETE = POST;
