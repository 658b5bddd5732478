/**
 * The SSE writer's life cycle beyond the happy path (tests/unit/http-helpers.test.ts): a request
 * already gone, a start() that throws, the shared heartbeat's interval, listeners released, and
 * clean-up that waits for the stream to end.
 */
import { getEventListeners } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HEARTBEAT_MS, formatSseEvent, heartbeatStats, sseResponse, type SseSink } from '@/lib/http/sse';

afterEach(() => {
  vi.useRealTimers();
});

async function readAll(res: Response): Promise<string> {
  return new TextDecoder().decode(new Uint8Array(await res.arrayBuffer()));
}

describe('SSE field errors name the field', () => {
  it('id, event and comment', () => {
    expect(() => formatSseEvent('a', {}, '1\r2')).toThrow('SSE id must not contain line breaks');
    expect(() => formatSseEvent('a\rb', {})).toThrow('SSE event must not contain line breaks');
    let sink!: SseSink;
    sseResponse(new Request('http://app.test/'), (s) => {
      sink = s;
    });
    expect(() => sink.comment('a\nb')).toThrow('SSE comment must not contain line breaks');
    sink.close();
  });
});

describe('SSE response life cycle', () => {
  it('a request already aborted never starts the stream’s work', async () => {
    const start = vi.fn();
    const res = sseResponse(new Request('http://app.test/', { signal: AbortSignal.abort() }), start);
    expect(await readAll(res)).toBe(': mxray event stream\n\n');
    expect(start).not.toHaveBeenCalled();
  });

  it('a start() that throws errors the stream and stops the heartbeat', async () => {
    vi.useFakeTimers();
    const res = sseResponse(new Request('http://app.test/'), () => {
      throw new Error('subscribe failed');
    });
    await expect(readAll(res)).rejects.toThrow('subscribe failed');
    expect(heartbeatStats()).toEqual({ streams: 0, timer: false });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('beats once per HEARTBEAT_MS on the shared timer', async () => {
    vi.useFakeTimers();
    let sink!: SseSink;
    const res = sseResponse(new Request('http://app.test/'), (s) => {
      sink = s;
    });
    const text = readAll(res);
    await vi.advanceTimersByTimeAsync(3.5 * HEARTBEAT_MS);
    sink.close();
    expect((await text).match(/: heartbeat\n\n/g)).toHaveLength(3);
  });

  it('cleans up when the stream ends, not when it starts, and releases the abort listener', async () => {
    const request = new Request('http://app.test/', { signal: new AbortController().signal });
    const before = getEventListeners(request.signal, 'abort').length;
    const cleanup = vi.fn();
    let sink!: SseSink;
    const res = sseResponse(request, (s) => {
      sink = s;
      return cleanup;
    });
    const reader = res.body!.getReader();
    await reader.read();
    expect(cleanup).not.toHaveBeenCalled();
    expect(getEventListeners(request.signal, 'abort')).toHaveLength(before + 1);
    sink.close();
    expect(cleanup).toHaveBeenCalledTimes(1);
    expect(getEventListeners(request.signal, 'abort')).toHaveLength(before);
  });
});
