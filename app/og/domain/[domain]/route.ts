// GET /og/domain/:domain – the link-preview image of a domain page: its last finished check
import { domainFromParam } from '@/lib/history/domain-param';
import { methodNotAllowed, problem } from '@/lib/http/problem';
import { withLocalizedErrors } from '@/lib/http/localized-errors';
import { withRequestLog } from '@/lib/http/with-request-log';
import { withServices } from '@/lib/http/with-services';
import { donePreview, pendingPreview } from '@/lib/og/preview-response';
import { badgeLocale } from '@/lib/i18n/badge-text';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export const GET = withLocalizedErrors(withRequestLog('GET /og/domain/:domain', async function get(request: Request, { params }: { params: Promise<{ domain: string }> }) {
  const domain = domainFromParam((await params).domain);
  if (!domain) return problem('invalid_input', 'not a domain name');
  return withServices({ route: 'GET /og/domain/:domain', domain: domain.ascii }, async ({ queries }) => {
    const latest = await queries.latestDone(domain.ascii, 'domain');
    const locale = badgeLocale(request.url);
    // The image of that check is immutable, but which check is latest changes: a short cache.
    if (latest?.result) return donePreview(latest.id, latest.result, 'public, max-age=300', locale);
    return pendingPreview(domain.unicode, 'noCheck', locale);
  });
}));

export const POST = methodNotAllowed(['GET']);
