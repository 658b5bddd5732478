/**
 * A Server-Sent Events response: named events with ids, an opening comment, heartbeats, and
 * clean-up exactly once however the stream ends (we close it, the client goes away, or the
 * runtime cancels it).
 *
 * Buffering is the enemy: Next's compression holds small chunks unless the response says
 * `no-transform`, and nginx buffers unless told `X-Accel-Buffering: no`.
 */

export const SSE_HEADERS: Record<string, string> = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache, no-transform',
  'X-Accel-Buffering': 'no',
  Connection: 'keep-alive',
};

export interface SseSink {
  /** one named event; data is sent as JSON */
  event(name: string, data: unknown, id?: number | string): void;
  /** a frame built once for several streams (sharedFrame) */
  frame(bytes: Uint8Array): void;
  comment(text: string): void;
  /** end the stream (idempotent) */
  close(): void;
  readonly closed: boolean;
}

export interface SseOptions {
  /** reconnection delay suggested to EventSource */
  retryMs?: number;
  /**
   * bytes written but not yet taken by the client (SSE_MAX_UNSENT_BYTES): a viewer that does not
   * read is dropped beyond this, instead of the server buffering a whole replay for it
   */
  maxUnsentBytes?: number;
  /** called exactly once when the stream stops, whether or not start() ever ran (a viewer's place) */
  release?: () => void;
}

export const DEFAULT_MAX_UNSENT_BYTES = 1024 * 1024;
/** ms between heartbeat comments; keeps proxies from timing a quiet stream out */
export const HEARTBEAT_MS = 15_000;

/**
 * One timer for every open stream: a timer per stream costs a handle each, and thousands of
 * viewers would each wake the event loop on their own schedule.
 */
const beating = new Set<() => void>();
let heartbeatTimer: NodeJS.Timeout | undefined;

export function joinHeartbeat(beat: () => void): () => void {
  beating.add(beat);
  if (!heartbeatTimer) {
    heartbeatTimer = setInterval(() => {
      for (const b of [...beating]) b();
    }, HEARTBEAT_MS);
    heartbeatTimer.unref?.();
  }
  return () => {
    beating.delete(beat);
    if (beating.size === 0 && heartbeatTimer) {
      clearInterval(heartbeatTimer);
      heartbeatTimer = undefined;
    }
  };
}

/** Open streams on the shared heartbeat, and whether its one timer runs (tests, health). */
export function heartbeatStats(): { streams: number; timer: boolean } {
  return { streams: beating.size, timer: heartbeatTimer !== undefined };
}

/** Field values must stay on one line, or they would forge further fields. */
export function oneLine(field: string, value: string): string {
  if (/[\r\n]/.test(value)) throw new Error(`SSE ${field} must not contain line breaks`);
  return value;
}

/** Frames one event from its data's JSON; multi-line data becomes several data: lines. */
function frameText(name: string, json: string, id?: number | string): string {
  let frame = '';
  if (id !== undefined) frame += `id: ${oneLine('id', String(id))}\n`;
  frame += `event: ${oneLine('event', name)}\n`;
  for (const line of json.split(/\r?\n/)) frame += `data: ${line}\n`;
  return `${frame}\n`;
}

/** Frames one event (JSON.stringify emits one data line). */
export function formatSseEvent(name: string, data: unknown, id?: number | string): string {
  return frameText(name, JSON.stringify(data), id);
}

const frames = new WeakMap<object, { name: string; id: string; bytes: Uint8Array }>();
const frameEncoder = new TextEncoder();

/**
 * The frame of one event, built once and shared by every stream that sends the same event object
 * with the same name and id (a check's viewers get the very object the runner published). Keyed on
 * the object, checked on name and id: another event, or the same one under another id, never gets
 * this frame. `json` is the data's JSON (one line, as JSON.stringify makes it).
 */
export function sharedFrame(key: object, name: string, id: number | string, json: () => string): Uint8Array {
  const sid = String(id);
  const hit = frames.get(key);
  if (hit && hit.name === name && hit.id === sid) return hit.bytes;
  const bytes = frameEncoder.encode(frameText(name, json(), sid));
  frames.set(key, { name, id: sid, bytes });
  return bytes;
}

/**
 * Streams with writes waiting for the end of this turn of the event loop, and the one setImmediate
 * that flushes them all (a timer per stream would cost a handle each; see the heartbeat above).
 */
const dirty = new Set<() => void>();
let flushScheduled = false;

function flushAll(): void {
  flushScheduled = false;
  const due = [...dirty];
  dirty.clear();
  for (const flush of due) flush();
}

export function scheduleFlush(flush: () => void): void {
  dirty.add(flush);
  if (!flushScheduled) {
    flushScheduled = true;
    setImmediate(flushAll);
  }
}

/** A stream that stops: its writes waiting for the flush are dropped or already sent. */
export function unscheduleFlush(flush: () => void): void {
  dirty.delete(flush);
}

/** The opening of every stream: a comment (the response's first bytes) and the reconnection delay. */
export function sseOpening(retryMs: number | undefined): string {
  return `: mxray event stream\n${retryMs === undefined ? '' : `retry: ${retryMs}\n`}\n`;
}

/** Streams with writes waiting, and whether the flush is scheduled (tests). */
export function pendingFlushStats(): { streams: number; scheduled: boolean } {
  return { streams: dirty.size, scheduled: flushScheduled };
}

function joinChunks(parts: Uint8Array[], bytes: number): Uint8Array {
  // One part: a copy all the same, so no consumer can spoil a frame another stream shares.
  const out = new Uint8Array(bytes);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

/** Where a stream's frames go, for turnSink: the one part that differs between the two kinds of stream. */
export interface TurnSinkOwner {
  /** this turn's frames, in order (never none, never after the stream stopped) */
  deliver(parts: Uint8Array[], bytes: number): void;
  /** true when `pendingBytes` more, waiting for this turn's end, leave the viewer too much unsent */
  overflows(pendingBytes: number): boolean;
  /** the viewer is dropped for not reading: stop, and end the connection without what waits */
  drop(): void;
  /** our own end, once what waits has been delivered: stop, and end the response */
  end(): void;
  /** the stream has stopped: writes are ignored */
  stopped(): boolean;
}

/**
 * What both kinds of stream share (sseResponse's web stream below, lib/http/sse-node.ts's Node
 * response): every frame and comment written during one turn of the event loop is gathered and
 * handed on as one chunk at its end (the one shared flush), a viewer that has left too much
 * unsent is dropped as soon as a write shows it, and close() sends what waits before the end.
 * `write` sends raw bytes (a stream's opening); `discard` forgets what waits: the owner calls it
 * when the stream stops.
 */
export function turnSink(owner: TurnSinkOwner): { sink: SseSink; write(data: string | Uint8Array): void; discard(): void } {
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;

  const flush = () => {
    if (pending.length === 0) return;
    const parts = pending;
    const bytes = pendingBytes;
    pending = [];
    pendingBytes = 0;
    if (!owner.stopped()) owner.deliver(parts, bytes);
  };
  const discard = () => {
    unscheduleFlush(flush);
    pending = [];
    pendingBytes = 0;
  };
  const write = (data: string | Uint8Array) => {
    if (owner.stopped()) return;
    const bytes = typeof data === 'string' ? frameEncoder.encode(data) : data;
    pending.push(bytes);
    pendingBytes += bytes.byteLength;
    if (owner.overflows(pendingBytes)) owner.drop();
    else scheduleFlush(flush);
  };

  const sink: SseSink = {
    event: (name, data, id) => write(formatSseEvent(name, data, id)),
    frame: (bytes) => write(bytes),
    comment: (text) => write(`: ${oneLine('comment', text)}\n\n`),
    close: () => {
      if (owner.stopped()) return;
      unscheduleFlush(flush);
      flush();
      owner.end();
    },
    get closed() {
      return owner.stopped();
    },
  };
  return { sink, write, discard };
}

/**
 * start() runs once the stream is open; it may send at once and returns a clean-up (unsubscribe)
 * that is called exactly once when the stream stops for any reason.
 *
 * Writes are coalesced (turnSink): every frame and comment written during one turn of the event
 * loop (a replay, a burst of events the runner thread handed over together) goes to the client as
 * one chunk, in order, at the end of that turn, instead of one web-stream chunk, one pipe step and
 * one socket write each. close() sends what is waiting first; a client that went away discards it.
 */
export function sseResponse(
  request: Request,
  start: (sink: SseSink) => (() => void) | void,
  options: SseOptions = {},
): Response {
  let stopped = false;
  let cleanup: (() => void) | void;
  let leaveHeartbeat: (() => void) | undefined;
  let controllerRef: ReadableStreamDefaultController<Uint8Array> | undefined;

  const stop = () => {
    if (stopped) return;
    stopped = true;
    discard();
    leaveHeartbeat?.();
    request.signal.removeEventListener('abort', onAbort);
    cleanup?.();
    options.release?.();
  };
  const onAbort = () => {
    stop();
    try {
      controllerRef?.close();
    } catch {
      // already closed or errored by the runtime: nothing left to release
    }
  };

  const maxUnsent = options.maxUnsentBytes ?? DEFAULT_MAX_UNSENT_BYTES;
  const { sink, discard } = turnSink({
    deliver: (parts, bytes) => controllerRef?.enqueue(joinChunks(parts, bytes)),
    // desiredSize = highWaterMark − bytes queued: with what waits for this turn's flush, below
    // zero means the client has left more than maxUnsentBytes unread.
    overflows: (pendingBytes) => (controllerRef?.desiredSize ?? 0) - pendingBytes < 0,
    // Erroring the stream discards the queue and ends the response.
    drop: () => {
      stop();
      try {
        controllerRef?.error(new Error('SSE viewer dropped: too much unsent data'));
      } catch {
        // already closed by the runtime
      }
    },
    end: onAbort,
    stopped: () => stopped,
  });

  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      controllerRef = controller;
      // The opening goes out at once (the response's first bytes), even to a request already gone.
      controller.enqueue(frameEncoder.encode(sseOpening(options.retryMs)));
      if (request.signal.aborted) return onAbort();
      request.signal.addEventListener('abort', onAbort, { once: true });
      leaveHeartbeat = joinHeartbeat(() => sink.comment('heartbeat'));
      let c: (() => void) | void;
      try {
        c = start(sink);
      } catch (err) {
        stop();
        controller.error(err);
        return;
      }
      // start() may already have closed the stream (a finished check replays and ends at once).
      if (stopped) c?.();
      else cleanup = c;
    },
    cancel() {
      stop();
    },
  }, new ByteLengthQueuingStrategy({ highWaterMark: maxUnsent }));

  return new Response(stream, { status: 200, headers: SSE_HEADERS });
}
