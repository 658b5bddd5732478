// GET /api/health – liveness and load: running and queued checks, and whether the database answers
import { NextResponse } from 'next/server';
import type { HealthResponse } from '@/lib/http/api-schemas';
import { methodNotAllowed } from '@/lib/http/problem';
import { withRequestLog } from '@/lib/http/with-request-log';
import { withServices } from '@/lib/http/with-services';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

function answer(body: HealthResponse): Response {
  return NextResponse.json(body, { status: body.status === 'ok' ? 200 : 503, headers: { 'Cache-Control': 'no-store' } });
}

const DOWN: HealthResponse = { status: 'error', checksRunning: 0, queue: 0, db: 'error' };

export const GET = withRequestLog('GET /api/health', async function get() {
  return withServices(
    { route: 'GET /api/health' },
    async ({ runner, queries, logger }) => {
      const { running, queued } = runner.stats();
      const body: HealthResponse = { ...DOWN, checksRunning: running, queue: queued };
      try {
        await queries.ping();
        return answer({ ...body, status: 'ok', db: 'ok' });
      } catch (err) {
        logger.error({ err }, 'health: database did not answer');
        return answer(body);
      }
    },
    // the services could not start (logged by getServices): the database is not usable
    { unavailable: () => answer(DOWN) },
  );
});

export const POST = methodNotAllowed(['GET']);
