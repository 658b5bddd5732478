/**
 * The SSE writer coalesces (lib/http/sse.ts): what one turn of the event loop writes reaches the
 * client as one chunk, in order; the unsent-bytes bound counts what waits for the flush; close()
 * sends what waits, a client that goes away discards it.
 */
import { describe, expect, it, vi } from 'vitest';
import { pendingFlushStats, sharedFrame, sseResponse, type SseSink } from '@/lib/http/sse';

const text = (b: Uint8Array) => new TextDecoder().decode(b);
const turn = () => new Promise<void>((r) => setImmediate(r));

function open(options: { maxUnsentBytes?: number; signal?: AbortSignal } = {}) {
  let sink!: SseSink;
  const cleanup = vi.fn();
  const res = sseResponse(
    new Request('http://app.test/', options.signal ? { signal: options.signal } : {}),
    (s) => {
      sink = s;
      return cleanup;
    },
    options.maxUnsentBytes ? { maxUnsentBytes: options.maxUnsentBytes } : {},
  );
  const reader = res.body!.getReader();
  return { sink, cleanup, reader };
}

describe('SSE writes coalesced per turn of the event loop', () => {
  it('frames written in one turn arrive as one chunk, in order; the next turn’s as the next chunk', async () => {
    const { sink, reader } = open();
    expect(text((await reader.read()).value!)).toBe(': mxray event stream\n\n');
    const a = sharedFrame({ n: 1 }, 'probe-done', 1, () => '{"n":1}');
    const b = sharedFrame({ n: 2 }, 'probe-done', 2, () => '{"n":2}');
    sink.frame(a);
    sink.event('probe-tls', { n: 3 }, 3);
    sink.frame(b);
    expect(pendingFlushStats()).toEqual({ streams: 1, scheduled: true });
    const first = await reader.read();
    expect(text(first.value!)).toBe('id: 1\nevent: probe-done\ndata: {"n":1}\n\nid: 3\nevent: probe-tls\ndata: {"n":3}\n\nid: 2\nevent: probe-done\ndata: {"n":2}\n\n');
    expect(pendingFlushStats()).toEqual({ streams: 0, scheduled: false });
    await turn();
    sink.comment('later');
    expect(text((await reader.read()).value!)).toBe(': later\n\n');
    sink.close();
    expect((await reader.read()).done).toBe(true);
  });

  it('one flush for every stream written in a turn, each getting only its own frames', async () => {
    const one = open();
    const two = open();
    await one.reader.read();
    await two.reader.read();
    const shared = sharedFrame({ e: 1 }, 'e', 7, () => '{}');
    one.sink.frame(shared);
    two.sink.frame(shared);
    two.sink.comment('only two');
    expect(pendingFlushStats()).toEqual({ streams: 2, scheduled: true });
    expect(text((await one.reader.read()).value!)).toBe('id: 7\nevent: e\ndata: {}\n\n');
    expect(text((await two.reader.read()).value!)).toBe('id: 7\nevent: e\ndata: {}\n\n: only two\n\n');
    one.sink.close();
    two.sink.close();
  });

  it('each stream’s chunk is its own bytes, even for a single shared frame', async () => {
    const { sink, reader } = open();
    await reader.read();
    const frame = sharedFrame({ x: 1 }, 'e', 1, () => '{"x":1}');
    sink.frame(frame);
    const got = (await reader.read()).value!;
    expect(got).not.toBe(frame);
    got.fill(0);
    expect(text(frame)).toBe('id: 1\nevent: e\ndata: {"x":1}\n\n');
    sink.close();
  });

  it('close() sends what waits first, then ends the stream; clean-up runs once', async () => {
    const { sink, cleanup, reader } = open();
    await reader.read();
    sink.event('a', 1, 1);
    sink.event('check-done', 2, 2);
    sink.close();
    sink.close();
    expect(text((await reader.read()).value!)).toBe('id: 1\nevent: a\ndata: 1\n\nid: 2\nevent: check-done\ndata: 2\n\n');
    expect((await reader.read()).done).toBe(true);
    expect(cleanup).toHaveBeenCalledTimes(1);
    expect(pendingFlushStats().streams).toBe(0);
  });

  it('a client that goes away discards what waits; nothing is written after', async () => {
    const gone = new AbortController();
    const { sink, cleanup, reader } = open({ signal: gone.signal });
    await reader.read();
    sink.event('a', 1, 1);
    gone.abort();
    expect(cleanup).toHaveBeenCalledTimes(1);
    expect(pendingFlushStats().streams).toBe(0);
    sink.event('b', 2, 2);
    expect((await reader.read()).done).toBe(true);
  });

  it('the unsent-bytes bound counts what waits for the flush: a burst beyond it drops the viewer at once', async () => {
    const { sink, cleanup, reader } = open({ maxUnsentBytes: 16 * 1024 });
    await reader.read();
    const kb = new Uint8Array(1024).fill(0x61);
    for (let i = 0; i < 16; i++) sink.frame(kb);
    expect(sink.closed).toBe(false);
    sink.frame(kb);
    expect(sink.closed).toBe(true);
    expect(cleanup).toHaveBeenCalledTimes(1);
    expect(pendingFlushStats().streams).toBe(0);
    await expect(reader.read()).rejects.toThrow('SSE viewer dropped: too much unsent data');
  });

  it('and counts what was flushed but not read: a viewer that stops reading is dropped across turns', async () => {
    const { sink, reader } = open({ maxUnsentBytes: 16 * 1024 });
    await reader.read();
    const kb = new Uint8Array(1024).fill(0x62);
    for (let t = 0; t < 4 && !sink.closed; t++) {
      for (let i = 0; i < 5; i++) sink.frame(kb);
      await turn();
    }
    expect(sink.closed).toBe(true);
    await expect(reader.read()).rejects.toThrow('too much unsent data');
  });
});
