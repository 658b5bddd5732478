// GET /domain/:domain/feed.xml – Atom feed of the changes between the domain's consecutive checks
import { FEED_MAX_ENTRIES, renderAtomFeed } from '@/lib/history/atom-feed';
import { domainFromParam } from '@/lib/history/domain-param';
import { methodNotAllowed, problem } from '@/lib/http/problem';
import { publicOrigin } from '@/lib/http/public-origin';
import { withLocalizedErrors } from '@/lib/http/localized-errors';
import { withRequestLog } from '@/lib/http/with-request-log';
import { withServices } from '@/lib/http/with-services';
import { badgeLocale } from '@/lib/i18n/badge-text';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export const GET = withLocalizedErrors(withRequestLog('GET /domain/:domain/feed.xml', async function get(request: Request, { params }: { params: Promise<{ domain: string }> }) {
  const domain = domainFromParam((await params).domain);
  if (!domain) return problem('invalid_input', 'not a domain name');
  return withServices({ route: 'GET /domain/:domain/feed.xml', domain: domain.ascii }, async ({ queries, trustProxy }) => {
    // One check more than entries: N+1 consecutive checks make at most N changes.
    const checks = await queries.finishedChecks(domain.ascii, FEED_MAX_ENTRIES + 1);
    const xml = renderAtomFeed({
      origin: publicOrigin(request.headers, { trustProxy }),
      domain: domain.ascii,
      displayDomain: domain.unicode,
      checks,
      now: Date.now(),
      // Like badges, a cached public document: only an explicit ?lang= changes it, never Accept-Language.
      locale: badgeLocale(request.url),
    });
    // Feed readers poll; a few minutes of caching spares the store without hiding a change for long.
    return new Response(xml, { headers: { 'Content-Type': 'application/atom+xml; charset=utf-8', 'Cache-Control': 'public, max-age=300' } });
  });
}));


export const POST = methodNotAllowed(['GET']);
