/**
 * The SSE writer's life cycle beyond the happy path (tests/unit/http-helpers.test.ts): a request
 * already gone, a start() that throws, the shared heartbeat's interval, listeners released, and
 * clean-up that waits for the stream to end.
 */
import { getEventListeners } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HEARTBEAT_MS, formatSseEvent, heartbeatStats, sharedFrame, sseResponse, type SseSink } from '@/lib/http/sse';

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

describe('the shared heartbeat', () => {
  it('keeps beating for the streams still open when another one closes', async () => {
    vi.useFakeTimers();
    const sinks: SseSink[] = [];
    const open = () => readAll(sseResponse(new Request('http://app.test/'), (s) => void sinks.push(s)));
    const first = open();
    const second = open();
    sinks[0]!.close();
    expect(heartbeatStats()).toEqual({ streams: 1, timer: true });
    await vi.advanceTimersByTimeAsync(2.5 * HEARTBEAT_MS);
    sinks[1]!.close();
    expect((await first).match(/: heartbeat\n\n/g)).toBeNull();
    expect((await second).match(/: heartbeat\n\n/g)).toHaveLength(2);
    expect(heartbeatStats()).toEqual({ streams: 0, timer: false });
  });
});

describe('shared frames (one serialisation per event, written to every viewer)', () => {
  const text = (b: Uint8Array) => new TextDecoder().decode(b);

  it('is the same frame formatSseEvent makes, built once per event object', () => {
    const event = { type: 'probe-done', n: 1 };
    let serialised = 0;
    const json = () => (serialised++, JSON.stringify(event));
    const a = sharedFrame(event, 'probe-done', 7, json);
    const b = sharedFrame(event, 'probe-done', 7, json);
    expect(text(a)).toBe(formatSseEvent('probe-done', event, 7));
    expect(b).toBe(a);
    expect(serialised).toBe(1);
  });

  it('never serves one event’s frame for another, nor under another id or name', () => {
    // Two checks' events with the same content: each frame carries its own id.
    const first = { type: 'check-started' };
    const second = { type: 'check-started' };
    expect(text(sharedFrame(first, 'check-started', 1, () => JSON.stringify(first)))).toContain('id: 1\n');
    expect(text(sharedFrame(second, 'check-started', 2, () => JSON.stringify(second)))).toContain('id: 2\n');
    // The same object under another id or name is framed anew.
    expect(text(sharedFrame(first, 'check-started', 5, () => JSON.stringify(first)))).toMatch(/^id: 5\nevent: check-started\n/);
    expect(text(sharedFrame(first, 'other', 5, () => JSON.stringify(first)))).toMatch(/^id: 5\nevent: other\n/);
  });

  it('each stream gets its own copy of the bytes, so no consumer can spoil another’s', async () => {
    const frame = sharedFrame({ x: 1 }, 'e', 1, () => '{"x":1}');
    const sinks: SseSink[] = [];
    const responses = [0, 1].map(() => sseResponse(new Request('http://app.test/'), (s) => void sinks.push(s)));
    for (const s of sinks) {
      s.frame(frame);
      s.close();
    }
    frame.fill(0);
    for (const res of responses) expect(await readAll(res)).toBe(': mxray event stream\n\nid: 1\nevent: e\ndata: {"x":1}\n\n');
  });

  it('multi-line JSON still becomes one data: line each', () => {
    expect(text(sharedFrame({}, 'e', 1, () => '{\n"a":1\r\n}'))).toBe('id: 1\nevent: e\ndata: {\ndata: "a":1\ndata: }\n\n');
  });
});
