/**
 * The direct path's event-stream sink (lib/http/sse-node.ts) over real loopback sockets (127.140.1.x,
 * lane a): headers and opening together, one write per turn of the event loop, clean-up and the
 * viewer's place given back exactly once however the stream ends, and a viewer that does not read
 * dropped once its unsent bytes pass the bound, while one that reads gets everything.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventStreamSpec } from '@/lib/http/reply';
import { heartbeatStats, pendingFlushStats, type SseSink } from '@/lib/http/sse';
import { openNodeEventStream } from '@/lib/http/sse-node';

const HOST = '127.140.1.1';
const HEADERS = { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache, no-transform' };
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Opened {
  sink: SseSink;
  res: ServerResponse;
  writes: number;
  cleanups: number;
  releases: number;
}

/** A server whose one request opens a stream with `spec`; resolves with it once opened. */
async function serveOne(spec: Partial<EventStreamSpec> & { maxUnsentBytes?: number }): Promise<{ url: URL; opened: Promise<Opened> }> {
  let resolveOpened!: (o: Opened) => void;
  const opened = new Promise<Opened>((r) => (resolveOpened = r));
  const server: Server = createServer((_req, res) => {
    const state: Opened = { sink: undefined as unknown as SseSink, res, writes: 0, cleanups: 0, releases: 0 };
    const write = res.write.bind(res) as (chunk: unknown) => boolean;
    res.write = ((chunk: unknown) => {
      state.writes++;
      return write(chunk);
    }) as typeof res.write;
    state.sink = openNodeEventStream(res, 200, HEADERS, {
      start: () => () => void state.cleanups++,
      release: () => void state.releases++,
      retryMs: 3000,
      ...spec,
    });
    resolveOpened(state);
  });
  await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return { url: new URL(`http://${HOST}:${(server.address() as AddressInfo).port}/s`), opened };
}

/** A raw client: sends the request, collects what arrives; `pause` stops reading. */
function rawClient(url: URL): { socket: Socket; received: () => string; ended: Promise<void> } {
  const socket = connect(Number(url.port), url.hostname);
  let data = '';
  socket.setEncoding('latin1');
  socket.on('data', (d: string) => (data += d));
  const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.on('error', () => {});
  socket.write(`GET ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\n\r\n`);
  cleanups.push(() => void socket.destroy());
  return { socket, received: () => data, ended };
}

const until = async (cond: () => boolean, what: string) => {
  for (let i = 0; i < 500 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(cond(), what).toBe(true);
};
const nextTurn = () => new Promise((r) => setImmediate(r));

describe('the Node event-stream sink', () => {
  it('sends the headers and the opening at once, then each turn’s frames as one write, in order', async () => {
    const { url, opened } = await serveOne({});
    const client = rawClient(url);
    const s = await opened;
    await until(() => client.received().includes(': mxray event stream\nretry: 3000\n\n'), 'opening');
    expect(client.received()).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(client.received()).toContain('Content-Type: text/event-stream; charset=utf-8');
    expect(s.writes).toBe(1);
    s.sink.event('a', { n: 1 }, 1);
    s.sink.frame(Buffer.from('id: 2\nevent: b\ndata: {}\n\n'));
    s.sink.comment('c');
    expect(pendingFlushStats().streams).toBe(1);
    await nextTurn();
    expect(s.writes).toBe(2);
    await until(() => client.received().includes(': c\n\n'), 'the frames');
    const body = client.received();
    expect(body.indexOf('id: 1\nevent: a\ndata: {"n":1}\n\n')).toBeLessThan(body.indexOf('id: 2\nevent: b\n'));
    expect(body.indexOf('id: 2\nevent: b\n')).toBeLessThan(body.indexOf(': c\n\n'));
  });

  it('sends what start() writes in its own turn (a replay) with the headers and the opening, in one write', async () => {
    const { url, opened } = await serveOne({
      start: (sink) => {
        sink.event('check-started', {}, 1);
        void Promise.resolve().then(() => sink.event('dns', {}, 2));
      },
    });
    const client = rawClient(url);
    const s = await opened;
    await until(() => client.received().includes('event: dns'), 'the replay');
    expect(s.writes).toBe(1);
    expect(client.received()).toMatch(/\r\n\r\n[0-9a-f]+\r\n: mxray event stream\nretry: 3000\n\nid: 1\nevent: check-started\ndata: \{\}\n\nid: 2\nevent: dns\n/);
  });

  it('close() sends what waits, ends the response, and cleans up once', async () => {
    const { url, opened } = await serveOne({});
    const client = rawClient(url);
    const s = await opened;
    const streams = heartbeatStats().streams;
    s.sink.event('last', {}, 9);
    s.sink.close();
    s.sink.close();
    expect(s.sink.closed).toBe(true);
    expect([s.cleanups, s.releases]).toEqual([1, 1]);
    expect(heartbeatStats().streams).toBe(streams - 1);
    // chunked: the zero-length last chunk ends the response
    await until(() => client.received().endsWith('0\r\n\r\n'), 'the end of the response');
    expect(client.received()).toContain('id: 9\nevent: last\n');
    await new Promise((r) => setTimeout(r, 20));
    expect([s.cleanups, s.releases]).toEqual([1, 1]);
  });

  it('a client that goes away ends the stream: clean-up and the viewer’s place once, writes after it ignored', async () => {
    const { url, opened } = await serveOne({});
    const client = rawClient(url);
    const s = await opened;
    await until(() => client.received().includes('retry: 3000'), 'opening');
    client.socket.destroy();
    await until(() => s.sink.closed, 'the stream stops');
    expect([s.cleanups, s.releases]).toEqual([1, 1]);
    const writes = s.writes;
    s.sink.event('late', {}, 1);
    s.sink.close();
    await nextTurn();
    expect(s.writes).toBe(writes);
    expect([s.cleanups, s.releases]).toEqual([1, 1]);
  });

  it('a stream closed by start() itself (a finished check replayed) still cleans up once', async () => {
    let started = 0;
    let cleaned = 0;
    const { url, opened } = await serveOne({
      start: (sink) => {
        started++;
        sink.event('check-done', {}, 1);
        sink.close();
        return () => void cleaned++;
      },
    });
    const client = rawClient(url);
    const s = await opened;
    await until(() => client.received().endsWith('0\r\n\r\n'), 'the end');
    expect(client.received()).toContain('event: check-done');
    expect([started, cleaned, s.releases]).toEqual([1, 1, 1]);
  });

  it('drops a viewer that does not read once its unsent bytes pass the bound', async () => {
    const bound = 256 * 1024;
    const { url, opened } = await serveOne({ maxUnsentBytes: bound });
    const client = rawClient(url);
    const s = await opened;
    await until(() => client.received().includes('retry: 3000'), 'opening');
    client.socket.pause();
    const frame = Buffer.alloc(16 * 1024, 0x61);
    let sent = 0;
    // One frame per turn: it is what the socket does not take that counts, not one turn's burst.
    for (; sent < 4096 && !s.sink.closed; sent++) {
      s.sink.frame(frame);
      await nextTurn();
    }
    expect(s.sink.closed).toBe(true);
    expect(s.res.writableLength).toBeLessThanOrEqual(bound);
    expect([s.cleanups, s.releases]).toEqual([1, 1]);
    await until(() => s.res.destroyed, 'the connection is dropped');
    // The kernel's buffers took some; far less than the 64 MB offered.
    expect(sent * frame.byteLength).toBeLessThan(32 * 1024 * 1024);
  });

  it('keeps a viewer that reads, however much passes through', async () => {
    const { url, opened } = await serveOne({ maxUnsentBytes: 256 * 1024 });
    const client = rawClient(url);
    const s = await opened;
    const frame = Buffer.alloc(64 * 1024, 0x62);
    for (let i = 0; i < 128 && !s.sink.closed; i++) {
      s.sink.frame(frame);
      // a reading client: the socket drains between frames
      if (s.res.writableLength > 0) await new Promise((r) => s.res.once('drain', r));
      await nextTurn();
    }
    expect(s.sink.closed).toBe(false);
    await until(() => client.received().length > 128 * 64 * 1024, 'all 8 MB arrive');
    s.sink.close();
    expect([s.cleanups, s.releases]).toEqual([1, 1]);
  });

  it('one turn’s frames beyond the bound drop the viewer at once', async () => {
    const { url, opened } = await serveOne({ maxUnsentBytes: 16 * 1024 });
    const client = rawClient(url);
    const s = await opened;
    const kb = Buffer.alloc(1024, 0x63);
    // once the opening is out: exactly at the bound is kept, a frame more is not
    await until(() => client.received().includes('retry: 3000') && s.res.writableLength === 0, 'the opening taken by the socket');
    for (let i = 0; i < 16; i++) s.sink.frame(kb);
    expect(s.sink.closed).toBe(false);
    s.sink.frame(kb);
    expect(s.sink.closed).toBe(true);
    expect([s.cleanups, s.releases]).toEqual([1, 1]);
  });
});
