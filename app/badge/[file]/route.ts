// GET /badge/:domain.svg – the badge of a domain: the verdict of its last finished check while
// recent, otherwise a statement that there is none (a badge request never starts a probe)
import { domainBadge, invalidDomainBadge } from '@/lib/badge/badge-state';
import { badgeResponse, stripSvg } from '@/lib/badge/badge-response';
import { badgeLocale, localizeBadge } from '@/lib/i18n/badge-text';
import { methodNotAllowed } from '@/lib/http/problem';
import { withRequestLog } from '@/lib/http/with-request-log';
import { normalizeDomain } from '@/lib/probe/domain-name';
import { withServices } from '@/lib/http/with-services';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export const GET = withRequestLog('GET /badge/:domain.svg', async function get(request: Request, { params }: { params: Promise<{ file: string }> }) {
  const name = stripSvg((await params).file);
  // Only a lookup: special-use names (.test) are accepted, as nothing is resolved or probed.
  const domain = name === null ? null : normalizeDomain(name, { allowSpecialUse: true });
  if (!domain?.ok) return badgeResponse(localizeBadge(invalidDomainBadge(), badgeLocale(request.url)));
  return withServices({ route: 'GET /badge/:domain.svg', domain: domain.ascii }, async (services) => {
    const latest = await services.queries.latestDone(domain.ascii, 'domain');
    return badgeResponse(localizeBadge(domainBadge(domain.unicode, latest, Date.now()), badgeLocale(request.url)), latest ? { 'X-Check-Id': latest.id } : {});
  });
});

export const POST = methodNotAllowed(['GET']);
