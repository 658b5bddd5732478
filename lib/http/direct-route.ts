/**
 * A route handler served straight from Node's HTTP server, beside Next's router (issue 11).
 *
 * Why: a request Next serves keeps its whole per-request machinery alive until the response ends
 * (request and work stores, cookies and draft-mode accessors, an incremental cache, the middleware's
 * request and response, several suspended async frames, the web-stream pipe to the socket). For a
 * JSON answer that is milliseconds; for an SSE stream it is the check's whole life. A heap snapshot
 * of the production server holding ~1,000 checks with three viewers each counted ~85 kB live per
 * open request, 242 MB in all. Served here, a stream holds its web Request, its ReadableStream and
 * the subscription, and skips the middleware and router work per request.
 *
 * Only what a route registers is served here, and only in the production server: the entry point
 * (scripts/mxray-server.cjs) offers each request to `globalThis[DIRECT_REQUEST]` first; everything
 * it does not claim goes to Next as before. A route registers when its module loads (the first
 * request to it is served by Next), so the same handler answers both ways. What Next's pipeline
 * would add for these requests is added here: the middleware's security headers (proxy.ts) and the
 * client address header the entry point sets on every request. Anything else about the request
 * (no match, another method) is left to Next.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { envSetting, isDevelopment } from '@/lib/env';
import { requestSecurityHeaders } from '@/lib/http/security-headers';
import { tracingEnabled } from '@/lib/observability/tracing';

/** The entry point's hook: true when the request was taken (and will be answered) here. */
export const DIRECT_REQUEST = Symbol.for('mxray.directRequest');

export type DirectHandler = (request: Request) => Promise<Response>;

export interface DirectRoute {
  /** the handler for this method and path, or undefined to leave the request to Next */
  match(method: string, pathname: string): DirectHandler | undefined;
  /** headers Next's pipeline would have added to the response (proxy.ts's security headers, Vary) */
  headers?(request: Request, response: Response): Record<string, string>;
  /** a handler that throws (it should not: routes answer their own errors) is logged here */
  onError?(err: unknown): void;
}

/** What Next's server adds to every app route's answer (base-server.js setVaryHeader). */
const NEXT_VARY = 'rsc, next-router-state-tree, next-router-prefetch, next-router-segment-prefetch';
/** Next's compression middleware's test for a body it may compress: these types, without no-transform. */
const COMPRESSIBLE = /^(application\/(json|[a-z0-9.+-]+\+json)|text\/(plain|html|css|csv|xml|javascript))\b/i;

/**
 * What Next's pipeline adds to an API answer of this route: proxy.ts's security headers, and the
 * Vary header Next's server and its compression middleware set ("Accept-Encoding" where it may
 * compress: a compressible type without Cache-Control no-transform). What is not copied is the
 * compression itself: an error body is a few hundred bytes, where gzip costs more than it saves.
 */
export function apiProxyHeaders(request: Request, response: Response): Record<string, string> {
  const headers = requestSecurityHeaders(request, { pathname: new URL(request.url).pathname, trustProxy: envSetting('TRUST_PROXY', false), dev: isDevelopment() });
  const type = response.headers.get('content-type') ?? '';
  const mayCompress = COMPRESSIBLE.test(type) && !/(?:^|,)\s*no-transform\s*(?:,|$)/.test(response.headers.get('cache-control') ?? '');
  headers['Vary'] = mayCompress ? `${NEXT_VARY}, Accept-Encoding` : NEXT_VARY;
  return headers;
}

type Registry = Map<string, DirectRoute>;
const g = globalThis as unknown as { [DIRECT_REQUEST]?: (req: IncomingMessage, res: ServerResponse) => boolean; __mxrayDirectRoutes?: Registry };

/** The routes served directly (tests clear it). */
export function directRoutes(): Registry {
  return (g.__mxrayDirectRoutes ??= new Map());
}

/**
 * Registers (or replaces, by name: a reloaded module) a route and installs the entry point's hook.
 * Idempotent per name.
 */
export function registerDirectRoute(name: string, route: DirectRoute): void {
  directRoutes().set(name, route);
  g[DIRECT_REQUEST] ??= claimDirect;
}

/** Takes the request if a registered route matches it; the answer is written asynchronously. */
export function claimDirect(req: IncomingMessage, res: ServerResponse): boolean {
  // With tracing on, Next serves every request: its SERVER span joins the caller's W3C trace and
  // the check's spans hang under it (lib/observability/tracing.ts). This path has no span of its own.
  if (tracingEnabled()) return false;
  const method = req.method ?? 'GET';
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const pathname = q < 0 ? url : url.slice(0, q);
  for (const route of directRoutes().values()) {
    const handler = route.match(method, pathname);
    if (!handler) continue;
    void serveDirect(req, res, handler, route);
    return true;
  }
  return false;
}

/**
 * The request body as a web stream, read from the socket only as fast as the handler reads it.
 * What the handler leaves unread (it refused before reading, or cancelled past its byte cap as
 * readJsonBody does) is read and dropped once `discard` is called, as Next reads a whole body: the
 * connection stays usable for the client's next request.
 */
export function requestBody(req: IncomingMessage): { stream: ReadableStream<Uint8Array>; discard(): void } {
  let stopped = false;
  const discard = () => {
    if (stopped) return;
    stopped = true;
    if (!req.complete) req.resume();
  };
  const stream = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        req.pause();
        req.on('data', (chunk: Buffer) => {
          if (stopped) return;
          controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
          if ((controller.desiredSize ?? 0) <= 0) req.pause();
        });
        let ended = false;
        req.once('end', () => {
          ended = true;
          if (!stopped) controller.close();
        });
        req.once('error', (err) => {
          if (stopped || ended) return;
          ended = true;
          controller.error(err);
        });
        // A client gone mid-body: the reader must not wait for an end that never comes.
        req.once('close', () => {
          if (stopped || ended) return;
          ended = true;
          controller.error(new Error('the client closed the connection before the whole body'));
        });
      },
      pull() {
        if (!stopped) req.resume();
      },
      cancel: discard,
    },
    { highWaterMark: 1 },
  );
  return { stream, discard };
}

const NO_BODY = new Set(['GET', 'HEAD']);

/**
 * The web Request a route handler expects, for a Node request; aborted when the response closes.
 * A request with a body also gets `discard` (see requestBody), to call once the response is written.
 */
export function webRequest(req: IncomingMessage, signal: AbortSignal): Request & { discardBody?: () => void } {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else headers.set(name, value);
  }
  const scheme = (req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
  const method = req.method ?? 'GET';
  const url = `${scheme}://${req.headers.host || 'localhost'}${req.url ?? '/'}`;
  if (NO_BODY.has(method)) return new Request(url, { method, headers, signal });
  const body = requestBody(req);
  // duplex: undici's requirement for a streamed request body (not yet in TypeScript's RequestInit)
  const request = new Request(url, { method, headers, signal, body: body.stream, duplex: 'half' } as RequestInit);
  return Object.assign(request, { discardBody: body.discard });
}

/** Resolves on 'drain' or 'close', whichever comes first. */
function drainedOrClosed(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/**
 * Runs the handler and writes its Response to `res`: status, headers (the route's over the extra
 * ones), then the body chunk by chunk. Backpressure is the stream's: while the socket does not take
 * more, nothing more is read, so the response stream's own queue fills and its bound applies (an
 * SSE viewer that does not read is dropped by sseResponse, lib/http/sse.ts). A client that goes away
 * aborts the request's signal and cancels the body.
 */
export async function serveDirect(req: IncomingMessage, res: ServerResponse, handler: DirectHandler, route: Pick<DirectRoute, 'headers' | 'onError'> = {}): Promise<void> {
  const aborter = new AbortController();
  const onClose = () => aborter.abort();
  res.once('close', onClose);
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  let discardBody: (() => void) | undefined;
  let early: NodeJS.Immediate | undefined;
  try {
    let request: ReturnType<typeof webRequest>;
    try {
      request = webRequest(req, aborter.signal);
      discardBody = request.discardBody;
    } catch {
      // an unparsable Host header: what Next answers too
      res.statusCode = 400;
      res.end();
      return;
    }
    const response = await handler(request);
    if (res.destroyed) {
      await response.body?.cancel().catch(() => {});
      return;
    }
    res.statusCode = response.status;
    for (const [name, value] of Object.entries(route.headers?.(request, response) ?? {})) res.setHeader(name, value);
    response.headers.forEach((value, name) => {
      if (name !== 'set-cookie') res.setHeader(name, value);
    });
    const cookies = response.headers.getSetCookie();
    if (cookies.length > 0) res.setHeader('set-cookie', cookies);
    if (!response.body) {
      res.end();
      return;
    }
    // The headers go out with the first chunk when it is there at once (a JSON answer, an event
    // stream's opening line): one socket write instead of two, which under a burst of requests is
    // a good part of the thread's time. A stream whose first chunk is a while coming gets its
    // headers at the end of this turn of the event loop all the same.
    early = setImmediate(() => {
      early = undefined;
      if (!res.destroyed) res.flushHeaders();
    });
    const body = response.body.getReader();
    reader = body;
    aborter.signal.addEventListener('abort', () => void body.cancel().catch(() => {}), { once: true });
    for (;;) {
      const { done, value } = await body.read();
      if (early) clearImmediate(early);
      early = undefined;
      if (done) break;
      if (res.destroyed) return;
      // Until the socket takes more, or the body errors meanwhile (a viewer dropped for not
      // reading): then the connection is ended below instead of waiting for a drain that may never come.
      if (!res.write(value)) await Promise.race([drainedOrClosed(res), body.closed]);
    }
    res.end();
  } catch (err) {
    // The body errored (an SSE viewer dropped for not reading) or the handler threw: end the
    // connection, as Next does when a streamed body errors.
    if (!reader) route.onError?.(err);
    if (!reader && !res.headersSent && !res.destroyed) {
      res.statusCode = 500;
      res.end();
    } else res.destroy();
  } finally {
    if (early) clearImmediate(early);
    res.off('close', onClose);
    discardBody?.();
  }
}
