// POST /api/checks – start a check (or get the one already running or just finished for that domain)
import { createCheck } from '@/lib/http/check-create';
import { registerDirectRoute } from '@/lib/http/direct-route';
import { methodNotAllowed } from '@/lib/http/problem';
import { replyResponse, webCoreRequest } from '@/lib/http/reply';
import { envSetting } from '@/lib/env';
import { logger } from '@/lib/log';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

// The route's logic is lib/http/check-create.ts; this is Next's adapter for it.
export async function POST(request: Request): Promise<Response> {
  return replyResponse(request, await createCheck(webCoreRequest(request)));
}

// The production server answers this POST beside Next's router (lib/http/direct-route.ts): the
// same core, written straight to Node's response, without Next's per-request work (its router,
// the middleware, the app-route wrapper's stores, web Request/Response objects): a few ms of the
// web thread's CPU per POST, which a burst of hundreds at once turns into seconds of waiting.
// CHECK_POSTS_DIRECT=false leaves them to Next.
if (envSetting('CHECK_POSTS_DIRECT', true)) {
  registerDirectRoute('POST /api/checks', {
    route: '/api/checks',
    match: (method, pathname) => (method === 'POST' && pathname === '/api/checks' ? createCheck : undefined),
    onError: (err) => logger.error({ err, route: 'POST /api/checks' }, 'direct check POST failed'),
  });
}

export const GET = methodNotAllowed(['POST']);
export const PUT = GET;
export const PATCH = GET;
export const DELETE = GET;
