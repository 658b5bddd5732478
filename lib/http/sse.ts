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
  comment(text: string): void;
  /** end the stream (idempotent) */
  close(): void;
  readonly closed: boolean;
}

export interface SseOptions {
  /** ms between heartbeat comments; keeps proxies from timing the stream out */
  heartbeatMs?: number;
  /** reconnection delay suggested to EventSource */
  retryMs?: number;
}

/** Field values must stay on one line, or they would forge further fields. */
function oneLine(field: string, value: string): string {
  if (/[\r\n]/.test(value)) throw new Error(`SSE ${field} must not contain line breaks`);
  return value;
}

/** Frames one event; multi-line data becomes several data: lines (JSON.stringify emits one). */
export function formatSseEvent(name: string, data: unknown, id?: number | string): string {
  let frame = '';
  if (id !== undefined) frame += `id: ${oneLine('id', String(id))}\n`;
  frame += `event: ${oneLine('event', name)}\n`;
  for (const line of JSON.stringify(data).split(/\r?\n/)) frame += `data: ${line}\n`;
  return `${frame}\n`;
}

/**
 * start() runs once the stream is open; it may send at once and returns a clean-up (unsubscribe)
 * that is called exactly once when the stream stops for any reason.
 */
export function sseResponse(
  request: Request,
  start: (sink: SseSink) => (() => void) | void,
  options: SseOptions = {},
): Response {
  const encoder = new TextEncoder();
  let stopped = false;
  let cleanup: (() => void) | void;
  let heartbeat: NodeJS.Timeout | undefined;
  let controllerRef: ReadableStreamDefaultController<Uint8Array> | undefined;

  const stop = () => {
    if (stopped) return;
    stopped = true;
    clearInterval(heartbeat);
    request.signal.removeEventListener('abort', onAbort);
    cleanup?.();
  };
  const onAbort = () => {
    stop();
    try {
      controllerRef?.close();
    } catch {
      // already closed or errored by the runtime: nothing left to release
    }
  };

  const write = (text: string) => {
    if (stopped || !controllerRef) return;
    controllerRef.enqueue(encoder.encode(text));
  };

  const sink: SseSink = {
    event: (name, data, id) => write(formatSseEvent(name, data, id)),
    comment: (text) => write(`: ${oneLine('comment', text)}\n\n`),
    close: onAbort,
    get closed() {
      return stopped;
    },
  };

  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      controllerRef = controller;
      write(`: mxray event stream\n${options.retryMs === undefined ? '' : `retry: ${options.retryMs}\n`}\n`);
      if (request.signal.aborted) return onAbort();
      request.signal.addEventListener('abort', onAbort, { once: true });
      heartbeat = setInterval(() => sink.comment('heartbeat'), options.heartbeatMs ?? 15_000);
      heartbeat.unref?.();
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
  });

  return new Response(stream, { status: 200, headers: SSE_HEADERS });
}
