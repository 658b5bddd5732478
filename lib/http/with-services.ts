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

/**
 * The services for one handler, whatever it answers with: `unavailable` when they cannot start,
 * `internal` (which logs) for an error the handler throws.
 */
async function servicesFor<T>(
  handle: (services: RouteServices) => Promise<T>,
  answers: { unavailable(): T | Promise<T>; internal(logger: AppServices['logger'], err: unknown): T },
): Promise<T> {
  let services: AppServices;
  try {
    services = await getServices();
  } catch {
    return answers.unavailable();
  }
  const { store: _notForRoutes, ...forRoutes } = services;
  try {
    return await handle(forRoutes);
  } catch (err) {
    return answers.internal(services.logger, err);
  }
}

export function withServices(
  context: { route: string } & Record<string, unknown>,
  handle: (services: RouteServices) => Promise<Response>,
  opts: { unavailable?: () => Response | Promise<Response> } = {},
): Promise<Response> {
  return servicesFor(handle, {
    unavailable: opts.unavailable ?? (() => problem('internal', 'the check service is unavailable')),
    internal: (logger, err) => internalError(logger, err, context),
  });
}

/** withServices for a route's core (lib/http/reply.ts): the same answers, as replies. */
export function withServiceReply(context: { route: string } & Record<string, unknown>, handle: (services: RouteServices) => Promise<Reply>): Promise<Reply> {
  return servicesFor<Reply>(handle, {
    unavailable: () => problemReply('internal', 'the check service is unavailable'),
    internal: (logger, err) => internalReply(logger, err, context),
  });
}
