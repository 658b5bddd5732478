/**
 * A directly served request's body (lib/http/direct-route.ts requestBody): read from the socket as
 * the handler reads it, ended or errored with the request, and what the handler leaves unread
 * drained once it is discarded (so a keep-alive connection can carry the next request).
 */
import { PassThrough } from 'node:stream';
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { requestBody } from '@/lib/http/direct-route';

/** An IncomingMessage stand-in: a readable stream with `complete` set once it has ended. */
function fakeRequest(): PassThrough & { complete: boolean } {
  const req = Object.assign(new PassThrough(), { complete: false });
  req.once('end', () => (req.complete = true));
  return req;
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<string> {
  return new Response(stream).text();
}

describe('requestBody', () => {
  it('yields every chunk in order and ends with the request', async () => {
    const req = fakeRequest();
    const { stream } = requestBody(req as unknown as IncomingMessage);
    req.write('{"domain":');
    req.end('"a.test"}');
    expect(await readAll(stream)).toBe('{"domain":"a.test"}');
  });

  it('errors when the client goes away before the whole body', async () => {
    const req = fakeRequest();
    const { stream } = requestBody(req as unknown as IncomingMessage);
    const reading = readAll(stream);
    req.write('{"dom');
    req.destroy();
    await expect(reading).rejects.toThrow();
  });

  it('reads no further than asked, and drains the rest once discarded', async () => {
    const req = fakeRequest();
    const { stream, discard } = requestBody(req as unknown as IncomingMessage);
    const reader = stream.getReader();
    req.write('a'.repeat(10));
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('aaaaaaaaaa');
    await reader.cancel();
    discard();
    for (let i = 0; i < 100; i++) req.write('b'.repeat(1024));
    req.end();
    for (let i = 0; i < 100 && !req.complete; i++) await new Promise((r) => setTimeout(r, 10));
    expect(req.complete).toBe(true);
  });
});
