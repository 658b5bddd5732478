// GET /api/checks/:id – a check's state, and its result once done; ?format=result|csv exports
// the result (lib/export/export-response.ts). With ?lang= or Accept-Language each finding also
// carries its title, explanation and fix in that language (lib/http/localized-check.ts).
import { NextResponse } from 'next/server';
import { exportResponse, parseExportQuery } from '@/lib/export/export-response';
import { isCheckId } from '@/lib/store/check-id';
import type { CheckResponse } from '@/lib/http/api-schemas';
import { findingLanguage, withFindingText } from '@/lib/http/localized-check';
import { methodNotAllowed, problem } from '@/lib/http/problem';
import { withLocalizedErrors } from '@/lib/http/localized-errors';
import { withRequestLog } from '@/lib/http/with-request-log';
import { withServices } from '@/lib/http/with-services';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export const GET = withLocalizedErrors(withRequestLog('GET /api/checks/:id', async function get(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  if (!isCheckId(id)) return problem('invalid_input', 'not a check id', { details: { id } });
  const exported = parseExportQuery(new URL(request.url).searchParams);
  if (!exported.ok) return exported.response;
  const language = findingLanguage(request);
  if (!language.ok) return language.response;
  return withServices({ route: 'GET /api/checks/:id', checkId: id }, async (services) => {
    const check = await services.runner.getCheck(id);
    if (!check) return problem('not_found', 'no check with this id');
    if (exported.query.format !== 'json') return exportResponse(check, exported.query);
    const body: CheckResponse = {
      id: check.id,
      status: check.status,
      target: check.target,
      createdAt: new Date(check.createdAt).toISOString(),
      ...(check.finishedAt === null ? {} : { finishedAt: new Date(check.finishedAt).toISOString() }),
      ...(check.result === null ? {} : { result: check.result }),
      ...(check.reason === null ? {} : { reason: check.reason }),
    };
    const { locale } = language;
    // No language asked for: the body every existing client knows, byte for byte.
    if (locale === null) return NextResponse.json(body, { headers: { 'Cache-Control': 'no-store' } });
    const localized = check.result === null ? body : { ...body, result: withFindingText(check.result, locale) };
    return NextResponse.json(localized, {
      headers: { 'Cache-Control': 'no-store', 'Content-Language': locale, Vary: 'Accept-Language' },
    });
  });
}));

export const POST = methodNotAllowed(['GET']);
export const PUT = POST;
export const PATCH = POST;
export const DELETE = POST;
