// GET /api/domains/:domain/compare?from=<id>&to=<id> – what changed between two checks of a domain
import { NextResponse } from 'next/server';
import { compareResponse } from '@/lib/history/compare-response';
import { domainFromParam } from '@/lib/history/domain-param';
import { requestLocale } from '@/lib/i18n/locales';
import { withLocalizedErrors } from '@/lib/http/localized-errors';
import { methodNotAllowed, problem } from '@/lib/http/problem';
import { withRequestLog } from '@/lib/http/with-request-log';
import { withServices } from '@/lib/http/with-services';
import { isCheckId } from '@/lib/store/check-id';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export const GET = withLocalizedErrors(withRequestLog(
  'GET /api/domains/:domain/compare',
  async function get(request: Request, { params }: { params: Promise<{ domain: string }> }) {
    const { domain: raw } = await params;
    const domain = domainFromParam(raw);
    if (!domain) return problem('invalid_input', 'not a domain name', { details: { domain: raw } });
    const query = new URL(request.url).searchParams;
    const from = query.get('from') ?? '';
    const to = query.get('to') ?? '';
    if (!isCheckId(from) || !isCheckId(to)) return problem('invalid_input', 'from and to must be check ids', { details: { from, to } });
    return withServices({ route: 'GET /api/domains/:domain/compare', domain: domain.ascii }, async ({ queries }) => {
      const c = await queries.compare(from, to);
      if (!c.ok) {
        if (c.reason === 'not-ready') return problem('not_ready', 'both checks must be finished', { details: { id: c.id } });
        if (c.reason === 'different-targets') return problem('invalid_input', 'the two checks are not of the same domain and mode');
        return problem('not_found', 'no check with this id', { details: { id: c.id } });
      }
      if (c.domain !== domain.ascii) return problem('not_found', 'these checks are not of this domain');
      // Finished checks are immutable, so the comparison of two of them never changes.
      // The words follow ?lang= or Accept-Language; shared caches must key on the latter.
      const locale = requestLocale(request.url, request.headers);
      return NextResponse.json(compareResponse(c, locale), {
        headers: { 'Cache-Control': 'public, max-age=31536000, immutable', Vary: 'Accept-Language', 'Content-Language': locale },
      });
    });
  },
));

export const POST = methodNotAllowed(['GET']);
export const PUT = POST;
export const PATCH = POST;
export const DELETE = POST;
