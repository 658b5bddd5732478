// GET /api/checks/:id/events – the check's events as Server-Sent Events: stored ones after
// Last-Event-ID, then live ones, closing after 'check-done' (or an 'interrupted' event); see
// lib/http/api-schemas.ts for the framing.
import { checkEvents } from '@/lib/http/check-events';
import { registerDirectRoute } from '@/lib/http/direct-route';
import { methodNotAllowed } from '@/lib/http/problem';
import { replyResponse, webCoreRequest } from '@/lib/http/reply';
import { isCheckId } from '@/lib/store/check-id';
import { envSetting } from '@/lib/env';
import { logger } from '@/lib/log';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

// The route's logic is lib/http/check-events.ts; this is Next's adapter for it.
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  const { id } = await params;
  return replyResponse(request, await checkEvents(webCoreRequest(request), id));
}

/** The stream's path, with a check id (anything else, or another method, stays with Next). */
const EVENTS_PATH = /^\/api\/checks\/([^/]+)\/events$/;

// The production server serves these streams beside Next's router (lib/http/direct-route.ts): the
// same core, its frames written straight to Node's response, without Next's per-request machinery
// held for the check's whole life. SSE_DIRECT_STREAMS=false leaves them all to Next.
if (envSetting('SSE_DIRECT_STREAMS', false)) {
  registerDirectRoute('GET /api/checks/:id/events', {
    route: '/api/checks/[id]/events',
    match(method, pathname) {
      const id = method === 'GET' ? EVENTS_PATH.exec(pathname)?.[1] : undefined;
      if (id === undefined || !isCheckId(id)) return undefined;
      return (request) => checkEvents(request, id);
    },
    onError: (err) => logger.error({ err, route: 'GET /api/checks/:id/events' }, 'direct event stream failed'),
  });
}

export const POST = methodNotAllowed(['GET']);
export const PUT = POST;
export const PATCH = POST;
export const DELETE = POST;
