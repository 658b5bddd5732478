// GET /api/health/live – liveness: the process answers (nothing else is consulted)
import { NextResponse } from 'next/server';
import type { LivenessResponse } from '@/lib/http/api-schemas';
import { methodNotAllowed } from '@/lib/http/problem';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export function GET(): Response {
  const body: LivenessResponse = { status: 'ok' };
  return NextResponse.json(body, { headers: { 'Cache-Control': 'no-store' } });
}

export const POST = methodNotAllowed(['GET']);
