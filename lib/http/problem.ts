/**
 * The API's one error shape, `{ error: { code, message, details? } }`, and the one place where
 * error codes map to HTTP statuses.
 */
import { NextResponse } from 'next/server';
import type { ProbeLogger } from '@/lib/probe/types';
import type { ApiError, ApiErrorCode } from './api-schemas';
import type { JsonReply } from './reply';

export const ERROR_STATUS: Record<ApiErrorCode, number> = {
  invalid_input: 400,
  invalid_json: 400,
  unsupported_media_type: 415,
  not_found: 404,
  not_ready: 409,
  payload_too_large: 413,
  rate_limited: 429,
  saturated: 503,
  quota_exceeded: 403,
  method_not_allowed: 405,
  internal: 500,
};

export interface ProblemOptions {
  details?: unknown;
  /** seconds; required in practice for rate_limited and saturated */
  retryAfterSec?: number;
  headers?: Record<string, string>;
}

/** The problem as a framework-neutral reply (lib/http/reply.ts), for the routes' cores. */
export function problemReply(code: ApiErrorCode, message: string, options: ProblemOptions = {}): JsonReply & { body: ApiError } {
  const headers: Record<string, string> = { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...options.headers };
  if (options.retryAfterSec !== undefined) headers['Retry-After'] = String(Math.max(1, Math.ceil(options.retryAfterSec)));
  const body: ApiError = {
    error: { code, message, ...(options.details === undefined ? {} : { details: options.details }) },
  };
  return { status: ERROR_STATUS[code], headers, body };
}

/** A problem reply as Next's response. */
function problemResponse({ status, headers, body }: JsonReply & { body: ApiError }): NextResponse<ApiError> {
  // The status goes in the init argument: NextResponse.json(body) alone answers 200.
  return NextResponse.json(body, { status, headers });
}

export function problem(code: ApiErrorCode, message: string, options: ProblemOptions = {}): NextResponse<ApiError> {
  return problemResponse(problemReply(code, message, options));
}

/** An unexpected failure: logged in full, answered without internals. */
export function internalReply(logger: ProbeLogger, err: unknown, context: Record<string, unknown> = {}): JsonReply & { body: ApiError } {
  logger.error({ err, ...context }, 'request failed');
  return problemReply('internal', 'something went wrong on our side');
}

/** internalReply as Next's response. */
export function internalError(logger: ProbeLogger, err: unknown, context: Record<string, unknown> = {}): NextResponse<ApiError> {
  return problemResponse(internalReply(logger, err, context));
}

/** A handler for the methods a route does not support, with the Allow header RFC 9110 asks for. */
export function methodNotAllowed(allow: string[]): () => NextResponse<ApiError> {
  return () => problem('method_not_allowed', `use ${allow.join(' or ')}`, { headers: { Allow: allow.join(', ') } });
}
