/**
 * Liveness and readiness. Liveness: the process answers (nothing else: restarting a process because
 * its database is slow makes things worse). Readiness: this process should get traffic now: not
 * shutting down, the runner accepting checks, the store writable.
 *
 * Shutdown flips readiness first (markShuttingDown, the first thing a SIGTERM does), then drains.
 */
import type { Runner } from './runner';
import type { CheckQueries } from './check-queries';

const g = globalThis as unknown as { __mxrayShuttingDown?: boolean };

export function markShuttingDown(): void {
  g.__mxrayShuttingDown = true;
}

export function isShuttingDown(): boolean {
  return g.__mxrayShuttingDown === true;
}

export type CheckState = 'ok' | 'error';

export interface Readiness {
  ready: boolean;
  checks: { shutdown: 'running' | 'shutting-down'; runner: 'accepting' | 'closed' | 'error'; store: CheckState; redis?: CheckState };
}

/** Evaluates readiness; never throws (a failing part reads as not ready). */
export async function readiness(
  services:
    | { runner: Pick<Runner, 'accepting'>; queries: Pick<CheckQueries, 'writable'>; pingRedis?: () => Promise<void> }
    | undefined,
): Promise<Readiness> {
  const shutdown = isShuttingDown() ? 'shutting-down' : 'running';
  if (!services) return { ready: false, checks: { shutdown, runner: 'error', store: 'error' } };
  const runner = services.runner.accepting() ? 'accepting' : 'closed';
  let store: CheckState = 'ok';
  try {
    await services.queries.writable();
  } catch {
    store = 'error';
  }
  // Scaled mode: without Redis this instance can neither enqueue nor relay live events.
  let redis: CheckState | undefined;
  if (services.pingRedis) {
    try {
      await services.pingRedis();
      redis = 'ok';
    } catch {
      redis = 'error';
    }
  }
  return {
    ready: shutdown === 'running' && runner === 'accepting' && store === 'ok' && redis !== 'error',
    checks: { shutdown, runner, store, ...(redis ? { redis } : {}) },
  };
}
