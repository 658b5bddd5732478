/**
 * GET /api/checks/:id/events – the check's events as Server-Sent Events: stored ones after
 * Last-Event-ID, then live ones, closing after 'check-done' (or an 'interrupted' event); see
 * lib/http/api-schemas.ts for the framing. The route's whole logic, framework-neutral
 * (lib/http/reply.ts): id and Last-Event-ID checks, 404, 204 for a finished check fully seen,
 * viewer limits, the subscription, problem codes in the caller's language and the request log
 * line. Next's route handler and the direct path open the stream it describes, each with its sink
 * (lib/http/sse.ts sseResponse, lib/http/sse-node.ts).
 */
import { clientKey } from '@/lib/checks/client-key';
import { eventJson } from '@/lib/checks/event-json';
import { SSE_INTERRUPTED_EVENT, type SseInterrupted } from '@/lib/http/api-schemas';
import { localizeReply } from '@/lib/http/localized-errors';
import { problemReply } from '@/lib/http/problem';
import { queryParam, type CoreRequest, type Reply } from '@/lib/http/reply';
import { SSE_HEADERS, sharedFrame } from '@/lib/http/sse';
import { logReply } from '@/lib/http/with-request-log';
import { withServiceReply } from '@/lib/http/with-services';
import { isCheckId } from '@/lib/store/check-id';

const ROUTE = 'GET /api/checks/:id/events';
/** the reconnection delay suggested to EventSource */
const RETRY_MS = 3_000;

/** The seq to resume after: EventSource sends the header; ?lastEventId= serves clients that cannot set it. */
function resumeAfter(request: CoreRequest): number | null | 'invalid' {
  const raw = request.header('last-event-id') ?? queryParam(request.search, 'lastEventId');
  if (raw === null || raw.trim() === '') return null;
  return /^\d{1,9}$/.test(raw.trim()) ? Number(raw.trim()) : 'invalid';
}

export function checkEvents(request: CoreRequest, id: string): Promise<Reply> {
  return logReply(ROUTE, request, async () => localizeReply(request, await events(request, id)));
}

async function events(request: CoreRequest, id: string): Promise<Reply> {
  if (!isCheckId(id)) return problemReply('invalid_input', 'not a check id', { details: { id } });
  const after = resumeAfter(request);
  if (after === 'invalid') return problemReply('invalid_input', 'Last-Event-ID must be an event seq (a whole number)');
  return withServiceReply({ route: ROUTE, checkId: id }, async (services) => {
    const { runner, queries } = services;
    const check = await runner.getCheck(id);
    if (!check) return problemReply('not_found', 'no check with this id');
    // A client resuming a finished check it has fully seen: 204 tells EventSource to stop
    // reconnecting (it would otherwise reconnect forever to a stream that ends at once).
    if (after !== null && (check.status === 'done' || check.status === 'interrupted')) {
      if ((await queries.events(id, after)).length === 0) return { status: 204, headers: {} };
    }
    const grant = services.viewers?.acquire(id, clientKey({ get: request.header }, { ipv6Prefix: services.ipv6Prefix }));
    if (grant && !grant.ok) {
      if (grant.scope === 'total') return problemReply('saturated', 'too many live viewers right now; try again shortly', { retryAfterSec: 10 });
      const who = grant.scope === 'check' ? 'this check' : 'your address';
      return problemReply('rate_limited', `too many live viewers for ${who} (at most ${grant.limit}); close one and retry`, {
        retryAfterSec: 5,
      });
    }
    return {
      status: 200,
      headers: SSE_HEADERS,
      events: {
        start: (sink) =>
          runner.subscribe(id, after ?? 0, {
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
          }),
        // the viewer's place, given back however the stream ends, opened or not
        ...(grant?.ok ? { release: () => grant.release() } : {}),
        retryMs: RETRY_MS,
        ...(services.sseMaxUnsentBytes ? { maxUnsentBytes: services.sseMaxUnsentBytes } : {}),
      },
    };
  });
}
