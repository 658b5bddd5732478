// GET /og/check/:id – the link-preview image (1200×630 PNG) of one check: immutable once done
import { problem, methodNotAllowed } from '@/lib/http/problem';
import { withLocalizedErrors } from '@/lib/http/localized-errors';
import { withRequestLog } from '@/lib/http/with-request-log';
import { withServices } from '@/lib/http/with-services';
import { donePreview, pendingPreview } from '@/lib/og/preview-response';
import { badgeLocale } from '@/lib/i18n/badge-text';
import { isCheckId } from '@/lib/store/check-id';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export const GET = withLocalizedErrors(withRequestLog('GET /og/check/:id', async function get(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  if (!isCheckId(id)) return problem('not_found', 'no check with this id');
  return withServices({ route: 'GET /og/check/:id', checkId: id }, async ({ runner }) => {
    const check = await runner.getCheck(id);
    if (!check) return problem('not_found', 'no check with this id');
    // The page asks for its own language (?lang=fr); like badges, never from Accept-Language (cached images).
    const locale = badgeLocale(request.url);
    if (check.status === 'done' && check.result) return donePreview(check.id, check.result, undefined, locale);
    return pendingPreview(check.target.displayDomain, check.status === 'interrupted' ? 'interrupted' : 'checking', locale);
  });
}));

export const POST = methodNotAllowed(['GET']);
