/**
 * A directly served request's body (lib/http/direct-route.ts readBody): read from the socket up to
 * the core's byte cap, ended or errored with the request, and what is left unread after the cap
 * not read further (serveDirect drains it once the answer is written, for keep-alive).
 */
import { PassThrough } from 'node:stream';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { nodeCoreRequest, readBody, serveDirect } from '@/lib/http/direct-route';

/** An IncomingMessage stand-in: a readable stream with `complete` set once it has ended. */
function fakeRequest(): PassThrough & { complete: boolean } {
  const req = Object.assign(new PassThrough(), { complete: false });
  req.once('end', () => (req.complete = true));
  return req;
}

const text = (bytes: Uint8Array | null) => (bytes === null ? null : Buffer.from(bytes).toString('utf8'));

describe('readBody', () => {
  it('yields every chunk in order and ends with the request', async () => {
    const req = fakeRequest();
    const reading = readBody(req as unknown as IncomingMessage, 100);
    req.write('{"domain":');
    req.end('"a.test"}');
    expect(text(await reading)).toBe('{"domain":"a.test"}');
  });

  it('takes a body of exactly the cap, and refuses one byte more without waiting for its end', async () => {
    const exact = fakeRequest();
    const atCap = readBody(exact as unknown as IncomingMessage, 8);
    exact.write('1234');
    exact.end('5678');
    expect(text(await atCap)).toBe('12345678');

    const over = fakeRequest();
    const tooLong = readBody(over as unknown as IncomingMessage, 8);
    over.write('1234');
    over.write('56789');
    // never ended: the refusal does not wait for the rest
    expect(await tooLong).toBeNull();
    expect(over.listenerCount('data')).toBe(0);
    expect(over.isPaused()).toBe(true);
  });

  it('errors when the client goes away before the whole body', async () => {
    const req = fakeRequest();
    const reading = readBody(req as unknown as IncomingMessage, 100);
    req.write('{"dom');
    req.destroy();
    await expect(reading).rejects.toThrow();
    expect(req.listenerCount('data')).toBe(0);
  });
});

describe('serveDirect', () => {
  it('gives a viewer’s place back when the client left before its stream could open', async () => {
    let released = 0;
    let started = 0;
    const req = Object.assign(fakeRequest(), { complete: true, headers: {}, socket: {} }) as unknown as IncomingMessage;
    const res = { destroyed: true } as unknown as ServerResponse;
    const status = await serveDirect(req, res, nodeCoreRequest(req, 'GET', '/s', ''), async () => ({
      status: 200,
      headers: {},
      events: { start: () => void started++, release: () => void released++ },
    }));
    expect(status).toBe(200);
    expect([started, released]).toEqual([0, 1]);
  });
});
