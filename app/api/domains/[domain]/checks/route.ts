// GET /api/domains/:domain/checks – the domain's checks, newest first, paginated with ?cursor=
import { NextResponse } from 'next/server';
import { decodeCursor } from '@/lib/history/cursor';
import { domainFromParam } from '@/lib/history/domain-param';
import { HISTORY_PAGE_DEFAULT, HISTORY_PAGE_MAX } from '@/lib/history/domain-history';
import type { HistoryPage } from '@/lib/history/schemas';
import { withLocalizedErrors } from '@/lib/http/localized-errors';
import { methodNotAllowed, problem } from '@/lib/http/problem';
import { withRequestLog } from '@/lib/http/with-request-log';
import { withServices } from '@/lib/http/with-services';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export const GET = withLocalizedErrors(withRequestLog(
  'GET /api/domains/:domain/checks',
  async function get(request: Request, { params }: { params: Promise<{ domain: string }> }) {
    const { domain: raw } = await params;
    const domain = domainFromParam(raw);
    if (!domain) return problem('invalid_input', 'not a domain name', { details: { domain: raw } });
    const query = new URL(request.url).searchParams;
    const cursorText = query.get('cursor');
    const before = cursorText === null ? undefined : decodeCursor(cursorText);
    if (before === null) return problem('invalid_input', 'malformed cursor: pass back nextCursor verbatim', { details: { cursor: cursorText } });
    const limitText = query.get('limit');
    const limit = limitText === null ? HISTORY_PAGE_DEFAULT : Number(limitText);
    if (!Number.isInteger(limit) || limit < 1 || limit > HISTORY_PAGE_MAX) {
      return problem('invalid_input', `limit is an integer from 1 to ${HISTORY_PAGE_MAX}`, { details: { limit: limitText } });
    }
    return withServices({ route: 'GET /api/domains/:domain/checks', domain: domain.ascii }, async ({ queries }) => {
      const body: HistoryPage = await queries.historyPage(domain.ascii, { limit, ...(before ? { before } : {}) });
      // New checks arrive at any time; a page is cheap to rebuild.
      return NextResponse.json(body, { headers: { 'Cache-Control': 'no-store' } });
    });
  },
));

export const POST = methodNotAllowed(['GET']);
export const PUT = POST;
export const PATCH = POST;
export const DELETE = POST;
