/**
 * The app's services for one route handler, the only way a route reaches them: a 500 problem when
 * they cannot start (getServices has logged why), or the route's own answer for that case (health
 * and readiness report it in their body), and an unexpected error inside the handler becomes a
 * logged 500, never a crash. Routes read through the runner and the query service; the store is
 * not theirs to hold (tests/unit/app-no-store.test.ts).
 */
import 'server-only';
import { getServices, type AppServices } from '@/lib/checks/get-runner';
import { internalError, internalReply, problem, problemReply } from '@/lib/http/problem';
import type { Reply } from '@/lib/http/reply';

/** What a route handler is given: everything but the store under the runner and queries. */
export type RouteServices = Omit<AppServices, 'store'>;

export async function withServices(
  context: { route: string } & Record<string, unknown>,
  handle: (services: RouteServices) => Promise<Response>,
  opts: { unavailable?: () => Response | Promise<Response> } = {},
): Promise<Response> {
  let services: AppServices;
  try {
    services = await getServices();
  } catch {
    return opts.unavailable ? opts.unavailable() : problem('internal', 'the check service is unavailable');
  }
  const { store: _notForRoutes, ...forRoutes } = services;
  try {
    return await handle(forRoutes);
  } catch (err) {
    return internalError(services.logger, err, context);
  }
}

/** withServices for a route's core (lib/http/reply.ts): the same answers, as replies. */
export async function withServiceReply(context: { route: string } & Record<string, unknown>, handle: (services: RouteServices) => Promise<Reply>): Promise<Reply> {
  let services: AppServices;
  try {
    services = await getServices();
  } catch {
    return problemReply('internal', 'the check service is unavailable');
  }
  const { store: _notForRoutes, ...forRoutes } = services;
  try {
    return await handle(forRoutes);
  } catch (err) {
    return internalReply(services.logger, err, context);
  }
}
