/**
 * One pino line per API request: request id, method, route, status, duration (and the check id
 * when the response names one). Only logging: limits and validation stay in the handlers.
 */
import { randomUUID } from 'node:crypto';
import { logger } from '@/lib/log';
import { isStreamReply, type CoreRequest, type Reply } from './reply';

const log = logger.child({ component: 'http' });

interface LineParts {
  route: string;
  requestId: string | null | undefined;
  method?: string;
  path?: string;
  status: number;
  started: number;
  checkId?: string | null | undefined;
  stream: boolean;
}

function writeLine(p: LineParts): void {
  const line = {
    requestId: p.requestId?.slice(0, 64) || randomUUID(),
    route: p.route,
    ...(p.method !== undefined ? { method: p.method, path: p.path } : {}),
    status: p.status,
    durationMs: Math.round(performance.now() - p.started),
    ...(p.checkId ? { checkId: p.checkId } : {}),
    ...(p.stream ? { stream: true } : {}),
  };
  if (p.status >= 500) log.error(line, 'request');
  else log.info(line, 'request');
}

export function withRequestLog(route: string, handler: () => Promise<Response>): (request?: Request) => Promise<Response>;
export function withRequestLog(route: string, handler: (request: Request) => Promise<Response>): (request: Request) => Promise<Response>;
export function withRequestLog<Ctx>(
  route: string,
  handler: (request: Request, ctx: Ctx) => Promise<Response>,
): (request: Request, ctx: Ctx) => Promise<Response>;
export function withRequestLog<Ctx>(route: string, handler: (request: Request, ctx: Ctx) => Promise<Response>) {
  return async (request?: Request, ctx?: Ctx): Promise<Response> => {
    const started = performance.now();
    const requestId = request?.headers.get('x-request-id');
    let response: Response | undefined;
    try {
      response = await handler(request as Request, ctx as Ctx);
      return response;
    } finally {
      writeLine({
        route,
        requestId,
        ...(request ? { method: request.method, path: new URL(request.url).pathname } : {}),
        status: response?.status ?? 500,
        started,
        checkId: response?.headers.get('x-check-id'),
        stream: response?.headers.get('content-type')?.startsWith('text/event-stream') ?? false,
      });
    }
  };
}

/** withRequestLog for a route's core (lib/http/reply.ts): the same line, from the reply. */
export async function logReply(route: string, request: CoreRequest, handle: () => Promise<Reply>): Promise<Reply> {
  const started = performance.now();
  let reply: Reply | undefined;
  try {
    reply = await handle();
    return reply;
  } finally {
    writeLine({
      route,
      requestId: request.header('x-request-id'),
      method: request.method,
      path: request.path,
      status: reply?.status ?? 500,
      started,
      checkId: reply?.headers['X-Check-Id'],
      stream: reply !== undefined && isStreamReply(reply),
    });
  }
}
