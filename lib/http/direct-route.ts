/**
 * Route cores served straight from Node's HTTP server, beside Next's router (issue 11).
 *
 * Why: a request Next serves keeps its whole per-request machinery alive until the response ends
 * (request and work stores, cookies and draft-mode accessors, an incremental cache, the middleware's
 * request and response, several suspended async frames, the web-stream pipe to the socket). For a
 * JSON answer that is milliseconds of the web thread; for an SSE stream it is ~85 kB held for the
 * check's whole life. And even without Next, a web Request/Response per request (undici's objects,
 * a web stream per body, AbortSignals) cost ~1.3–1.6 ms of the web thread each, which a burst of
 * ~1,200 requests at once turns into seconds (BENCHMARKS.md, "Third round"). So here a route's
 * framework-neutral core (lib/http/reply.ts) reads the IncomingMessage through a header getter and
 * a bounded body reader, and its reply is written straight to the ServerResponse: a JSON answer in
 * one write with its headers, an event stream through the Node sink (sse-node.ts).
 *
 * Only what a route registers is served here, and only in the production server: the entry point
 * (scripts/mxray-server.cjs) offers each request to `globalThis[DIRECT_REQUEST]` first; everything
 * it does not claim goes to Next as before. Next's own route handler carries the same core, so
 * both ways give the same answer (tests/e2e/direct-post.test.ts). What Next's pipeline would add
 * for these requests is added here: the middleware's security headers (proxy.ts), the Vary header,
 * and, with tracing on, a SERVER span joining the caller's W3C trace (direct-span.ts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { envSetting, isDevelopment } from '@/lib/env';
import { isHttps, securityHeaders } from '@/lib/http/security-headers';
import { tracingEnabled } from '@/lib/observability/tracing';
import { inServerSpan } from '@/lib/observability/direct-span';
import { isStreamReply, type CoreRequest, type Reply } from './reply';
import { openNodeEventStream } from './sse-node';

/** The entry point's hook: true when the request was taken (and will be answered) here. */
export const DIRECT_REQUEST = Symbol.for('mxray.directRequest');

export type CoreHandler = (request: CoreRequest) => Promise<Reply>;

export interface DirectRoute {
  /** the route as Next names it (`/api/checks/[id]/events`): the request span's http.route */
  route: string;
  /** the core for this method and path, or undefined to leave the request to Next */
  match(method: string, pathname: string): CoreHandler | undefined;
  /** a core that throws (it should not: cores answer their own errors) is logged here */
  onError?(err: unknown): void;
}

/** What Next's server adds to every app route's answer (base-server.js setVaryHeader). */
const NEXT_VARY = 'rsc, next-router-state-tree, next-router-prefetch, next-router-segment-prefetch';
/** Next's compression middleware's test for a body it may compress: these types, without no-transform. */
const COMPRESSIBLE = /^(application\/(json|[a-z0-9.+-]+\+json)|text\/(plain|html|css|csv|xml|javascript))\b/i;
const NO_TRANSFORM = /(?:^|,)\s*no-transform\s*(?:,|$)/;

/** The process's settings the headers depend on (read once: they do not change while it runs). */
let settings: { trustProxy: boolean; dev: boolean } | undefined;
/** proxy.ts's security headers of an API answer: the same for every API path, by HTTPS or not. */
const apiSecurity = new Map<boolean, Record<string, string>>();

/**
 * What Next's pipeline adds to an API answer of these routes: proxy.ts's security headers
 * (requestSecurityHeaders: HTTPS from the socket, or X-Forwarded-Proto under TRUST_PROXY), and the
 * Vary header Next's server and its compression middleware set ("Accept-Encoding" where it may
 * compress: a compressible type without Cache-Control no-transform). What is not copied is the
 * compression itself: an error body is a few hundred bytes, where gzip costs more than it saves.
 */
export function apiProxyHeaders(req: IncomingMessage, reply: Pick<Reply, 'headers'>): Record<string, string> {
  settings ??= { trustProxy: envSetting('TRUST_PROXY', false), dev: isDevelopment() };
  const proto = req.headers['x-forwarded-proto'];
  const https = isHttps({
    url: (req.socket as { encrypted?: boolean }).encrypted ? 'https://direct/' : 'http://direct/',
    forwardedProto: (Array.isArray(proto) ? proto.join(', ') : proto) ?? null,
    trustProxy: settings.trustProxy,
  });
  let security = apiSecurity.get(https);
  if (!security) apiSecurity.set(https, (security = securityHeaders({ pathname: '/api/', https, dev: settings.dev })));
  const type = reply.headers['Content-Type'] ?? '';
  const mayCompress = COMPRESSIBLE.test(type) && !NO_TRANSFORM.test(reply.headers['Cache-Control'] ?? '');
  return { ...security, Vary: mayCompress ? `${NEXT_VARY}, Accept-Encoding` : NEXT_VARY };
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
  const method = req.method ?? 'GET';
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const pathname = q < 0 ? url : url.slice(0, q);
  for (const route of directRoutes().values()) {
    const handler = route.match(method, pathname);
    if (!handler) continue;
    const request = nodeCoreRequest(req, method, pathname, q < 0 ? '' : url.slice(q + 1));
    // With tracing on, the request gets its own SERVER span in the caller's trace, as Next gives
    // the requests it serves, and the check's spans hang under it.
    if (tracingEnabled()) void inServerSpan(req, route.route, () => serveDirect(req, res, request, handler, route));
    else void serveDirect(req, res, request, handler, route);
    return true;
  }
  return false;
}

/** One request header by its lower-case name; a repeated one joined as the web Headers join it. */
function headerOf(req: IncomingMessage, name: string): string | null {
  const value = req.headers[name];
  if (value === undefined) return null;
  return Array.isArray(value) ? value.join(', ') : value;
}

/** A Node request as a core's request (lib/http/reply.ts). */
export function nodeCoreRequest(req: IncomingMessage, method: string, path: string, search: string): CoreRequest {
  return { method, path, search, header: (name) => headerOf(req, name), body: (maxBytes) => readBody(req, maxBytes) };
}

/**
 * The request's body from the socket, at most maxBytes: null as soon as it is longer (the rest is
 * left unread, and drained once the answer is written: see serveDirect). Rejects when the client
 * goes away before the end, rather than waiting for an end that never comes.
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<Uint8Array | null> {
  if (req.readableEnded) return Promise.resolve(new Uint8Array(0));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const done = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    const onData = (chunk: Buffer) => {
      total += chunk.byteLength;
      if (total > maxBytes) {
        done();
        req.pause();
        resolve(null);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      done();
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total));
    };
    const onError = (err: Error) => {
      done();
      reject(err);
    };
    const onClose = () => {
      done();
      reject(new Error('the client closed the connection before the whole body'));
    };
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('error', onError);
    req.once('close', onClose);
  });
}

/**
 * Runs the core and writes its reply: a JSON answer in one write (headers, Content-Length, body),
 * an event stream through the Node sink. The security headers go first, the reply's over them.
 * What the core left of the body unread (it refused before reading, or stopped at the cap) is
 * read and dropped afterwards, as Next reads a whole body: the connection stays usable for the
 * client's next request. Resolves with the status written (the request span's).
 */
export async function serveDirect(req: IncomingMessage, res: ServerResponse, request: CoreRequest, handler: CoreHandler, route: Pick<DirectRoute, 'onError'> = {}): Promise<number> {
  try {
    const reply = await handler(request);
    if (res.destroyed) {
      // The client left while the core worked: a stream that never opens gives its viewer's place back.
      if (isStreamReply(reply)) reply.events.release?.();
      return reply.status;
    }
    const headers = { ...apiProxyHeaders(req, reply), ...reply.headers };
    if (isStreamReply(reply)) {
      openNodeEventStream(res, reply.status, headers, reply.events);
      return reply.status;
    }
    if (reply.body === undefined) {
      res.writeHead(reply.status, headers);
      res.end();
    } else {
      const text = JSON.stringify(reply.body);
      headers['Content-Length'] = String(Buffer.byteLength(text));
      res.writeHead(reply.status, headers);
      res.end(text);
    }
    return reply.status;
  } catch (err) {
    route.onError?.(err);
    if (!res.headersSent && !res.destroyed) {
      res.writeHead(500);
      res.end();
    } else res.destroy();
    return 500;
  } finally {
    if (!req.complete) req.resume();
  }
}
