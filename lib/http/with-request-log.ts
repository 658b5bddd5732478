/**
 * One pino line per API request: request id, method, route, status, duration (and the check id
 * when the response names one). Only logging: limits and validation stay in the handlers.
 */
import { randomUUID } from 'node:crypto';
import { logger } from '@/lib/log';

const log = logger.child({ component: 'http' });

export function withRequestLog(route: string, handler: () => Promise<Response>): (request?: Request) => Promise<Response>;
export function withRequestLog(route: string, handler: (request: Request) => Promise<Response>): (request: Request) => Promise<Response>;
export function withRequestLog<Ctx>(
  route: string,
  handler: (request: Request, ctx: Ctx) => Promise<Response>,
): (request: Request, ctx: Ctx) => Promise<Response>;
export function withRequestLog<Ctx>(route: string, handler: (request: Request, ctx: Ctx) => Promise<Response>) {
  return async (request?: Request, ctx?: Ctx): Promise<Response> => {
    const started = performance.now();
    const requestId = request?.headers.get('x-request-id')?.slice(0, 64) || randomUUID();
    let response: Response | undefined;
    try {
      response = await handler(request as Request, ctx as Ctx);
      return response;
    } finally {
      const status = response?.status ?? 500;
      const checkId = response?.headers.get('x-check-id') ?? undefined;
      const line = {
        requestId,
        route,
        ...(request ? { method: request.method, path: new URL(request.url).pathname } : {}),
        status,
        durationMs: Math.round(performance.now() - started),
        ...(checkId ? { checkId } : {}),
        ...(response?.headers.get('content-type')?.startsWith('text/event-stream') ? { stream: true } : {}),
      };
      if (status >= 500) log.error(line, 'request');
      else log.info(line, 'request');
    }
  };
}
