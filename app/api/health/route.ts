// GET /api/health – liveness and load: running and queued checks, and whether the database answers
import { NextResponse } from 'next/server';
import { getServices } from '@/lib/checks/get-runner';
import type { HealthResponse } from '@/lib/http/api-schemas';
import { methodNotAllowed } from '@/lib/http/problem';
import { withRequestLog } from '@/lib/http/with-request-log';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export const GET = withRequestLog('GET /api/health', async function get() {
  let body: HealthResponse = { status: 'error', checksRunning: 0, queue: 0, db: 'error' };
  try {
    const { runner, store, logger } = await getServices();
    const { running, queued } = runner.stats();
    body = { ...body, checksRunning: running, queue: queued };
    try {
      await store.ping();
      body = { ...body, status: 'ok', db: 'ok' };
    } catch (err) {
      logger.error({ err }, 'health: database did not answer');
    }
  } catch {
    // the services could not start (logged by getServices): the database is not usable
  }
  return NextResponse.json(body, { status: body.status === 'ok' ? 200 : 503, headers: { 'Cache-Control': 'no-store' } });
});

export const POST = methodNotAllowed(['GET']);
