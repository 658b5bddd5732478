/**
 * Reads a JSON request body defensively: JSON media type only, a byte cap enforced while
 * streaming (Content-Length is only a hint: it may be absent with chunked encoding, or lie), strict
 * UTF-8, then validation with a zod schema. Every refusal is a ready problem (a reply for the
 * routes' cores, lib/http/reply.ts; a response for the other routes).
 */
import type { NextResponse } from 'next/server';
import type { z } from 'zod';
import type { ApiError } from './api-schemas';
import { problemReply } from './problem';
import { jsonResponse, webCoreRequest, type CoreRequest, type JsonReply } from './reply';

export type BodyResult<T> = { ok: true; data: T } | { ok: false; response: NextResponse<ApiError> };
export type BodyReply<T> = { ok: true; data: T } | { ok: false; reply: JsonReply };

/** application/json or any application/*+json, in UTF-8 (RFC 8259 §8.1 allows nothing else). */
export function isJsonContentType(header: string | null): boolean {
  if (!header) return false;
  const [type = '', ...params] = header.split(';').map((p) => p.trim().toLowerCase());
  if (type !== 'application/json' && !/^application\/[a-z0-9.+-]+\+json$/.test(type)) return false;
  const charset = params.find((p) => p.startsWith('charset='))?.slice('charset='.length).replace(/"/g, '');
  return charset === undefined || charset === 'utf-8' || charset === 'utf8';
}

/** fatal: a malformed UTF-8 body is invalid JSON, not replacement characters (one decoder: not streaming) */
const utf8 = new TextDecoder('utf-8', { fatal: true });

export async function readJsonReply<S extends z.ZodType>(request: CoreRequest, schema: S, maxBytes: number): Promise<BodyReply<z.infer<S>>> {
  const fail = (reply: JsonReply) => ({ ok: false as const, reply });
  if (!isJsonContentType(request.header('content-type'))) {
    return fail(problemReply('unsupported_media_type', 'send the body as application/json (UTF-8)'));
  }
  const tooLarge = () => fail(problemReply('payload_too_large', `the body must not exceed ${maxBytes} bytes`));
  const declared = Number(request.header('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) return tooLarge();
  const bytes = await request.body(maxBytes);
  if (!bytes) return tooLarge();

  let value: unknown;
  try {
    value = JSON.parse(utf8.decode(bytes));
  } catch (e) {
    return fail(problemReply('invalid_json', 'the body is not valid JSON', { details: { reason: (e as Error).message } }));
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), code: i.code, message: i.message }));
    return fail(problemReply('invalid_input', issues[0]?.message ?? 'invalid request body', { details: { issues } }));
  }
  return { ok: true, data: parsed.data };
}

export async function readJsonBody<S extends z.ZodType>(request: Request, schema: S, maxBytes: number): Promise<BodyResult<z.infer<S>>> {
  const read = await readJsonReply(webCoreRequest(request), schema, maxBytes);
  return read.ok ? read : { ok: false, response: jsonResponse(read.reply) as NextResponse<ApiError> };
}
