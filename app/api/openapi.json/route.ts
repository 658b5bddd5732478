// GET /api/openapi.json – the OpenAPI 3.1 document of this API, generated from the handlers' zod schemas
import { NextResponse } from 'next/server';
import { openApiDocument } from '@/lib/http/openapi';
import { methodNotAllowed } from '@/lib/http/problem';
import { withRequestLog } from '@/lib/http/with-request-log';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export const GET = withRequestLog('GET /api/openapi.json', async function get() {
  return NextResponse.json(openApiDocument(), {
    headers: {
      'Cache-Control': 'public, max-age=300',
      // API explorers and code generators on other sites read it straight from here.
      'Access-Control-Allow-Origin': '*',
    },
  });
});

export const POST = methodNotAllowed(['GET']);
