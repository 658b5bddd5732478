/**
 * An event stream written straight to Node's ServerResponse: the direct path's sink
 * (lib/http/direct-route.ts), with sseResponse's semantics (lib/http/sse.ts) and no web stream,
 * Response or AbortSignal in between.
 *
 * - The headers, the opening comment (with the reconnection delay) and what start() sends in the
 *   same turn (a replay) go out in one write.
 * - The one shared heartbeat timer and the one end-of-turn flush serve these streams too: every
 *   frame and comment written during one turn of the event loop goes out as one socket write.
 * - A viewer that leaves more than maxUnsentBytes unsent (what the response buffers because the
 *   socket does not take it, plus this turn's frames) is dropped: the connection is destroyed
 *   instead of the server buffering a whole replay for a client that does not read.
 * - Clean-up (the subscription's, then the viewer's place) runs exactly once, on the response's
 *   'close', however the stream ends: our close(), a drop, or the client going away.
 */
import type { ServerResponse } from 'node:http';
import type { EventStreamSpec } from './reply';
import { DEFAULT_MAX_UNSENT_BYTES, joinHeartbeat, sseOpening, turnSink, type SseSink } from './sse';

export function openNodeEventStream(res: ServerResponse, status: number, headers: Record<string, string>, spec: EventStreamSpec): SseSink {
  const maxUnsent = spec.maxUnsentBytes ?? DEFAULT_MAX_UNSENT_BYTES;
  let stopped = false;
  let cleanup: (() => void) | void;
  let leaveHeartbeat: (() => void) | undefined;

  const stop = () => {
    if (stopped) return;
    stopped = true;
    discard();
    res.off('close', stop);
    leaveHeartbeat?.();
    try {
      cleanup?.();
    } finally {
      spec.release?.();
    }
  };

  const { sink, write, discard } = turnSink({
    // One part is written as it is: a shared frame is never changed once built (sharedFrame).
    deliver: (parts, bytes) => void res.write(parts.length === 1 ? parts[0]! : Buffer.concat(parts, bytes)),
    overflows: (pendingBytes) => res.writableLength + pendingBytes > maxUnsent,
    drop: () => {
      stop();
      res.destroy();
    },
    end: () => {
      stop();
      res.end();
    },
    stopped: () => stopped,
  });

  res.writeHead(status, headers);
  if (res.destroyed || !res.socket || res.socket.destroyed) {
    stop();
    res.end();
    return sink;
  }
  res.once('close', stop);
  // The opening goes out at the end of this turn with the headers and whatever start() sends by
  // then (a replay read from the store resolves before it): one socket write per new viewer.
  write(sseOpening(spec.retryMs));
  leaveHeartbeat = joinHeartbeat(() => sink.comment('heartbeat'));
  let c: (() => void) | void;
  try {
    c = spec.start(sink);
  } catch (err) {
    stop();
    res.destroy();
    throw err;
  }
  // start() may already have closed the stream (a finished check replays and ends at once).
  if (stopped) c?.();
  else cleanup = c;
  return sink;
}
