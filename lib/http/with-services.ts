/**
 * The app's services for one route handler: a 500 problem when they cannot start (getServices has
 * logged why), and an unexpected error inside the handler becomes a logged 500, never a crash.
 */
import 'server-only';
import { getServices, type AppServices } from '@/lib/checks/get-runner';
import { internalError, problem } from '@/lib/http/problem';

export async function withServices(
  context: { route: string } & Record<string, unknown>,
  handle: (services: AppServices) => Promise<Response>,
): Promise<Response> {
  let services: AppServices;
  try {
    services = await getServices();
  } catch {
    return problem('internal', 'the check service is unavailable');
  }
  try {
    return await handle(services);
  } catch (err) {
    return internalError(services.logger, err, context);
  }
}
