import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiErrorCodeSchema, ApiErrorSchema } from '@/lib/http/api-schemas';
import { ERROR_STATUS, problem } from '@/lib/http/problem';
import { isJsonContentType } from '@/lib/http/read-json-body';
import { formatSseEvent, heartbeatStats, sseResponse, type SseSink } from '@/lib/http/sse';

afterEach(() => {
  vi.useRealTimers();
});

describe('problem responses', () => {
  it('map every error code to its status in the body shape { error: { code, message, details? } }', async () => {
    const expected = {
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
    expect(ERROR_STATUS).toEqual(expected);
    for (const code of ApiErrorCodeSchema.options) {
      const res = problem(code, 'why');
      expect(res.status).toBe(expected[code]);
      expect(ApiErrorSchema.parse(await res.json())).toEqual({ error: { code, message: 'why' } });
    }
  });

  it('carry details and a whole-second Retry-After', async () => {
    const res = problem('rate_limited', 'slow down', { details: { a: 1 }, retryAfterSec: 2.2 });
    expect(res.headers.get('retry-after')).toBe('3');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({ error: { code: 'rate_limited', message: 'slow down', details: { a: 1 } } });
  });
});

describe('JSON content types', () => {
  it.each([
    ['application/json', true],
    ['Application/JSON; charset=utf-8', true],
    ['application/json;charset="UTF-8"', true],
    ['application/problem+json', true],
    ['application/json; charset=iso-8859-1', false],
    ['text/json', false],
    ['text/plain', false],
    ['application/jsonp', false],
    [null, false],
  ])('%j → %j', (header, ok) => {
    expect(isJsonContentType(header)).toBe(ok);
  });
});

describe('SSE framing', () => {
  it('frames a named event with an id and one-line JSON data', () => {
    expect(formatSseEvent('probe-done', { a: 'x\ny' }, 7)).toBe('id: 7\nevent: probe-done\ndata: {"a":"x\\ny"}\n\n');
    expect(formatSseEvent('interrupted', { reason: 'shutdown' })).toBe('event: interrupted\ndata: {"reason":"shutdown"}\n\n');
  });

  it('refuses names and ids that would inject fields', () => {
    expect(() => formatSseEvent('a\nid: 99', {})).toThrow();
    expect(() => formatSseEvent('a', {}, '1\r\nevent: x')).toThrow();
  });
});

async function readAll(res: Response): Promise<string> {
  return new TextDecoder().decode(new Uint8Array(await res.arrayBuffer()));
}

describe('SSE responses', () => {
  it('send the streaming headers, open with a comment and close when told to', async () => {
    const cleanup = vi.fn();
    const res = sseResponse(new Request('http://127.0.0.1/'), (sink) => {
      sink.event('one', { n: 1 }, 1);
      sink.close();
      sink.event('late', {}, 2); // after close: dropped
      return cleanup;
    }, { retryMs: 3000 });
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-cache, no-transform');
    expect(res.headers.get('x-accel-buffering')).toBe('no');
    expect(res.headers.get('connection')).toBe('keep-alive');
    expect(await readAll(res)).toBe(': mxray event stream\nretry: 3000\n\nid: 1\nevent: one\ndata: {"n":1}\n\n');
    expect(cleanup).toHaveBeenCalledTimes(1);
  });

  it('send a heartbeat comment every interval', async () => {
    vi.useFakeTimers();
    let sink!: SseSink;
    const res = sseResponse(new Request('http://127.0.0.1/'), (s) => {
      sink = s;
    });
    const text = readAll(res);
    await vi.advanceTimersByTimeAsync(45_000);
    sink.close();
    expect((await text).match(/: heartbeat\n\n/g)).toHaveLength(3);
  });

  it('stop and clean up exactly once when the client goes away', async () => {
    vi.useFakeTimers();
    const cleanup = vi.fn();
    const abort = new AbortController();
    let sink!: SseSink;
    const res = sseResponse(new Request('http://127.0.0.1/', { signal: abort.signal }), (s) => {
      sink = s;
      return cleanup;
    });
    const reader = res.body!.getReader();
    await reader.read();
    abort.abort();
    expect(cleanup).toHaveBeenCalledTimes(1);
    expect(sink.closed).toBe(true);
    expect((await reader.read()).done).toBe(true);
    await vi.advanceTimersByTimeAsync(60_000); // no heartbeat into a closed stream
    sink.close();
    expect(cleanup).toHaveBeenCalledTimes(1);
  });

  it('share one heartbeat timer between every open stream', async () => {
    vi.useFakeTimers();
    const sinks: SseSink[] = [];
    const bodies = Array.from({ length: 50 }, () =>
      readAll(sseResponse(new Request('http://127.0.0.1/'), (s) => void sinks.push(s))),
    );
    expect(heartbeatStats()).toEqual({ streams: 50, timer: true });
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(15_000);
    for (const s of sinks) s.close();
    expect(heartbeatStats()).toEqual({ streams: 0, timer: false });
    for (const text of await Promise.all(bodies)) expect(text.match(/: heartbeat\n\n/g)).toHaveLength(1);
  });

  it('drop a viewer that does not read once its unsent data passes the bound', async () => {
    const cleanup = vi.fn();
    let sink!: SseSink;
    const res = sseResponse(
      new Request('http://127.0.0.1/'),
      (s) => {
        sink = s;
        return cleanup;
      },
      { maxUnsentBytes: 64 * 1024 },
    );
    // A replay of ~5 MB into a stream nobody reads.
    const big = 'x'.repeat(1000);
    let sent = 0;
    for (let i = 0; i < 5000 && !sink.closed; i++) {
      sink.event('probe-done', { big }, i);
      sent++;
    }
    expect(sink.closed).toBe(true);
    expect(cleanup).toHaveBeenCalledTimes(1);
    // dropped after about 64 kB, not after buffering the whole replay
    expect(sent).toBeLessThan(100);
    await expect(res.body!.getReader().read()).rejects.toThrow(/too much unsent data/);
  });

  it('keep a viewer whose unsent data reaches the bound exactly, drop it one byte past', () => {
    const opening = new TextEncoder().encode(': mxray event stream\n\n').length;
    const bound = 1024;
    let sink!: SseSink;
    const res = sseResponse(new Request('http://127.0.0.1/'), (s) => void (sink = s), { maxUnsentBytes: bound });
    sink.frame(new Uint8Array(bound - opening));
    expect(sink.closed).toBe(false);
    sink.frame(new Uint8Array(1));
    expect(sink.closed).toBe(true);
    void res.body!.cancel().catch(() => {});
  });

  it('clean up when the consumer cancels the stream', async () => {
    const cleanup = vi.fn();
    const res = sseResponse(new Request('http://127.0.0.1/'), () => cleanup);
    await res.body!.cancel();
    expect(cleanup).toHaveBeenCalledTimes(1);
  });
});
