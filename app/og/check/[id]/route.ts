// GET /og/check/:id – the link-preview image (1200×630 PNG) of one check: immutable once done
import { problem, methodNotAllowed } from '@/lib/http/problem';
import { withRequestLog } from '@/lib/http/with-request-log';
import { withServices } from '@/lib/http/with-services';
import { donePreview, pendingPreview } from '@/lib/og/preview-response';
import { isCheckId } from '@/lib/store/check-id';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export const GET = withRequestLog('GET /og/check/:id', async function get(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  if (!isCheckId(id)) return problem('not_found', 'no check with this id');
  return withServices({ route: 'GET /og/check/:id', checkId: id }, async ({ runner }) => {
    const check = await runner.getCheck(id);
    if (!check) return problem('not_found', 'no check with this id');
    if (check.status === 'done' && check.result) return donePreview(check.id, check.result);
    return pendingPreview(check.target.displayDomain, check.status === 'interrupted' ? 'Check interrupted' : 'Checking…');
  });
});

export const POST = methodNotAllowed(['GET']);
