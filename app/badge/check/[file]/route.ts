// GET /badge/check/:id.svg – the badge of one check: its verdict once done (cached for ever, a
// finished check never changes), "checking…" while it runs
import { checkBadge } from '@/lib/badge/badge-state';
import { badgeResponse, stripSvg } from '@/lib/badge/badge-response';
import { badgeLocale, localizeBadge } from '@/lib/i18n/badge-text';
import { methodNotAllowed } from '@/lib/http/problem';
import { withRequestLog } from '@/lib/http/with-request-log';
import { isCheckId } from '@/lib/store/check-id';
import { withServices } from '@/lib/http/with-services';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export const GET = withRequestLog('GET /badge/check/:id.svg', async function get(request: Request, { params }: { params: Promise<{ file: string }> }) {
  const id = stripSvg((await params).file);
  if (id === null || !isCheckId(id)) return badgeResponse(localizeBadge(checkBadge(null), badgeLocale(request.url)));
  return withServices({ route: 'GET /badge/check/:id.svg', checkId: id }, async (services) => {
    const check = await services.runner.getCheck(id);
    return badgeResponse(localizeBadge(checkBadge(check), badgeLocale(request.url)), check ? { 'X-Check-Id': check.id } : {});
  });
});

export const POST = methodNotAllowed(['GET']);
