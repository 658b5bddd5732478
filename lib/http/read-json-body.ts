/**
 * Reads a JSON request body defensively: JSON media type only, a byte cap enforced while
 * streaming (Content-Length is only a hint: it may be absent with chunked encoding, or lie), strict
 * UTF-8, then validation with a zod schema. Every refusal is a ready problem response.
 */
import type { NextResponse } from 'next/server';
import type { z } from 'zod';
import type { ApiError } from './api-schemas';
import { problem } from './problem';

export type BodyResult<T> = { ok: true; data: T } | { ok: false; response: NextResponse<ApiError> };

/** application/json or any application/*+json, in UTF-8 (RFC 8259 §8.1 allows nothing else). */
export function isJsonContentType(header: string | null): boolean {
  if (!header) return false;
  const [type = '', ...params] = header.split(';').map((p) => p.trim().toLowerCase());
  if (type !== 'application/json' && !/^application\/[a-z0-9.+-]+\+json$/.test(type)) return false;
  const charset = params.find((p) => p.startsWith('charset='))?.slice('charset='.length).replace(/"/g, '');
  return charset === undefined || charset === 'utf-8' || charset === 'utf8';
}

async function readCapped(request: Request, maxBytes: number): Promise<Uint8Array | null> {
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  const body = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    body.set(c, offset);
    offset += c.byteLength;
  }
  return body;
}

export async function readJsonBody<S extends z.ZodType>(
  request: Request,
  schema: S,
  maxBytes: number,
): Promise<BodyResult<z.infer<S>>> {
  const fail = (response: NextResponse<ApiError>) => ({ ok: false as const, response });
  if (!isJsonContentType(request.headers.get('content-type'))) {
    return fail(problem('unsupported_media_type', 'send the body as application/json (UTF-8)'));
  }
  const tooLarge = () => fail(problem('payload_too_large', `the body must not exceed ${maxBytes} bytes`));
  const declared = Number(request.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) return tooLarge();
  const bytes = await readCapped(request, maxBytes);
  if (!bytes) return tooLarge();

  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (e) {
    return fail(problem('invalid_json', 'the body is not valid JSON', { details: { reason: (e as Error).message } }));
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), code: i.code, message: i.message }));
    return fail(problem('invalid_input', issues[0]?.message ?? 'invalid request body', { details: { issues } }));
  }
  return { ok: true, data: parsed.data };
}
