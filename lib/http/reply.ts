/**
 * The framework-neutral request and answer of the two hot routes (POST /api/checks, the event
 * stream): their cores (check-create.ts, check-events.ts) take a CoreRequest and give a Reply, and
 * two thin adapters carry them: Next's route handler (a web Request in, a Response out, below) and
 * the production server's direct path (IncomingMessage in, ServerResponse out, direct-route.ts).
 *
 * Why not web Request/Response everywhere: under a burst of ~1,200 requests at once the web
 * thread's time went to undici's Request/Response/Headers, a web stream per body and the
 * AbortSignals each request makes, not to the handlers (BENCHMARKS.md, "Third round"). A core that
 * sees only what it reads (a header getter, a bounded body) costs the direct path none of that, and
 * both adapters answer with the very same status, headers and body.
 */
import { NextResponse } from 'next/server';
import { sseResponse, type SseSink } from './sse';

export interface CoreRequest {
  method: string;
  /** the path, without the query */
  path: string;
  /** the query string without its '?' ('' when there is none) */
  search: string;
  /** one request header by its lower-case name (repeated headers joined with ', '), or null */
  header(name: string): string | null;
  /**
   * The whole body, read only as far as maxBytes: null when it is longer (however it was framed),
   * rejected when the client goes away mid-body. Call it at most once.
   */
  body(maxBytes: number): Promise<Uint8Array | null>;
}

/** A JSON answer (or none: `body` undefined, a 204). Header names in their usual capitalisation. */
export interface JsonReply {
  status: number;
  headers: Record<string, string>;
  body?: unknown;
}

/** How an event stream starts: what sseResponse and the Node sink (sse-node.ts) both run. */
export interface EventStreamSpec {
  /** runs once the stream is open; returns the clean-up, called exactly once when it stops */
  start(sink: SseSink): (() => void) | void;
  /** called exactly once when the stream ends, whether or not it ever started (a viewer's place) */
  release?(): void;
  /** reconnection delay suggested to EventSource */
  retryMs?: number;
  /** a viewer with more unsent bytes than this is dropped (SSE_MAX_UNSENT_BYTES) */
  maxUnsentBytes?: number;
}

export interface StreamReply {
  status: 200;
  headers: Record<string, string>;
  events: EventStreamSpec;
}

export type Reply = JsonReply | StreamReply;

export function isStreamReply(reply: Reply): reply is StreamReply {
  return 'events' in reply;
}

/** The value of one query parameter (first occurrence), or null; no URL object for the common case. */
export function queryParam(search: string, name: string): string | null {
  return search === '' ? null : new URLSearchParams(search).get(name);
}

async function readCapped(request: Request, maxBytes: number): Promise<Uint8Array | null> {
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  const body = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    body.set(c, offset);
    offset += c.byteLength;
  }
  return body;
}

/** A web Request (Next's route handlers) as a CoreRequest. */
export function webCoreRequest(request: Request): CoreRequest {
  const url = new URL(request.url);
  return {
    method: request.method,
    path: url.pathname,
    search: url.search.slice(1),
    header: (name) => request.headers.get(name),
    body: (maxBytes) => readCapped(request, maxBytes),
  };
}

/** The Response Next sends for a JSON reply. */
export function jsonResponse(reply: JsonReply): NextResponse {
  // The status goes in the init argument: NextResponse.json(body) alone answers 200.
  if (reply.body === undefined) return new NextResponse(null, { status: reply.status, headers: reply.headers });
  return NextResponse.json(reply.body, { status: reply.status, headers: reply.headers });
}

/** The Response Next sends for a reply; an event stream ends when the request's signal aborts. */
export function replyResponse(request: Request, reply: Reply): Response {
  if (!isStreamReply(reply)) return jsonResponse(reply);
  return sseResponse(request, reply.events.start, reply.events);
}
