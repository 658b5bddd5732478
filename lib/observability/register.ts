/**
 * The web server's observability at start-up (called from instrumentation.ts): readiness flips on
 * the first SIGTERM/SIGINT, before anything drains; the metrics endpoint and tracing start when
 * configured. A configuration that would expose metrics stops the process: refusing to start is
 * better than serving them to the network.
 */
import { markShuttingDown } from '@/lib/checks/readiness';
import { startObservability } from './process-observability';

export async function registerObservability(): Promise<void> {
  // Prepended: readiness must read "shutting down" before Next's own handler closes anything.
  process.prependOnceListener('SIGTERM', markShuttingDown);
  process.prependOnceListener('SIGINT', markShuttingDown);
  const [{ getEnv }, { logger }] = await Promise.all([import('@/lib/env'), import('@/lib/log')]);
  const log = logger.child({ component: 'observability' });
  try {
    await startObservability(getEnv(), 'web', log);
  } catch (err) {
    log.fatal({ err }, 'refusing to start: observability configuration');
    // Let the log line reach its destination before the process goes.
    await new Promise((r) => setTimeout(r, 50));
    process.exit(78); // EX_CONFIG
  }
}
