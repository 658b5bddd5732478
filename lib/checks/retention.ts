/**
 * Retention in the background: finished checks older than RETENTION_DAYS and interrupted checks
 * (nobody can resume them) are deleted with their events, and the database file gives the space
 * back. Runs soon after start and then every interval; never overlaps itself.
 */
import type { ProbeLogger } from '@/lib/probe/types';
import type { CheckStore } from '@/lib/store/check-store';

export interface RetentionOptions {
  store: CheckStore;
  logger: ProbeLogger;
  /** RETENTION_DAYS; 0 keeps done checks forever (interrupted ones are still purged) */
  retentionDays: number;
  /** how long an interrupted check stays visible before it is purged */
  interruptedGraceMs?: number;
  intervalMs?: number;
  firstRunMs?: number;
  now?: () => number;
}

const DAY_MS = 86_400_000;

/** One purge pass; exported for tests and for the start-up pass. */
export async function purgeOnce(opts: RetentionOptions): Promise<{ checks: number }> {
  const now = (opts.now ?? Date.now)();
  return opts.store.purge({
    doneBefore: opts.retentionDays > 0 ? now - opts.retentionDays * DAY_MS : -1,
    interruptedBefore: now - (opts.interruptedGraceMs ?? 3_600_000),
  });
}

export function startRetention(opts: RetentionOptions): () => void {
  let running = false;
  const pass = async () => {
    if (running) return;
    running = true;
    try {
      const { checks } = await purgeOnce(opts);
      if (checks > 0) opts.logger.info({ checks, retentionDays: opts.retentionDays }, 'retention: old checks deleted');
    } catch (err) {
      opts.logger.error({ err }, 'retention pass failed');
    } finally {
      running = false;
    }
  };
  const first = setTimeout(() => void pass(), opts.firstRunMs ?? 30_000);
  const every = setInterval(() => void pass(), opts.intervalMs ?? 3_600_000);
  first.unref();
  every.unref();
  return () => {
    clearTimeout(first);
    clearInterval(every);
  };
}
