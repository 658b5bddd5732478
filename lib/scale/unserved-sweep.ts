/**
 * Checks that no worker will take. A check may ask for a vantage configured in VANTAGES whose
 * workers are all down (or were never started); BullMQ would keep its job waiting forever and the
 * viewer would watch "queued" for good. Every web instance sweeps the queues of vantages without a
 * live worker: a job that has waited longer than the check's budget is removed and its check ends
 * 'interrupted' (reason 'no-worker'). Removing a job a worker has just taken fails (BullMQ locks
 * active jobs), so a check is never ended under a worker that runs it; ending one is idempotent,
 * so several instances sweeping at once is harmless.
 */
import type { Queue } from 'bullmq';
import type { ProbeLogger } from '@/lib/probe/types';
import type { CheckStore } from '@/lib/store/check-store';
import type { EventHub } from '@/lib/checks/event-hub';
import { CheckJobSchema, type ClientSlots, type VantageRegistry } from './check-queue';
import { endLostCheck, NO_WORKER } from './lost-check';

export interface UnservedSweepOptions {
  queueFor: (vantage: string) => Queue;
  /** every vantage a check may have been queued for */
  vantages: () => Promise<string[]>;
  registry: Pick<VantageRegistry, 'live'>;
  /** how long a job may wait for a worker of its vantage: the check's budget */
  maxWaitMs: number;
  store: CheckStore;
  hub: Pick<EventHub, 'end'>;
  slots: ClientSlots;
  logger: ProbeLogger;
  everyMs?: number;
  now?: () => number;
}

/** One pass; returns the ids of the checks it ended. */
export async function sweepUnserved(opts: UnservedSweepOptions): Promise<string[]> {
  const now = opts.now ?? Date.now;
  const live = new Set(await opts.registry.live());
  const ended: string[] = [];
  for (const vantage of await opts.vantages()) {
    if (live.has(vantage)) continue;
    const queue = opts.queueFor(vantage);
    // Oldest first (asc); a vantage without workers holds at most its CHECK_QUEUE_SIZE.
    const jobs = await queue.getJobs(['waiting', 'prioritized', 'delayed'], 0, 999, true);
    for (const job of jobs) {
      if (now() - job.timestamp < opts.maxWaitMs) continue;
      const data = CheckJobSchema.safeParse(job.data);
      if (!data.success || !job.id) continue;
      try {
        await job.remove();
      } catch {
        continue; // a worker took it (or another instance removed it) in the meantime
      }
      if (await endLostCheck(opts, data.data.checkId, data.data.clientKey, NO_WORKER)) ended.push(data.data.checkId);
    }
  }
  return ended;
}

export function startUnservedSweep(opts: UnservedSweepOptions): { close(): void } {
  const every = opts.everyMs ?? Math.min(5_000, Math.max(500, Math.floor(opts.maxWaitMs / 10)));
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    sweepUnserved(opts)
      .catch((err: unknown) => opts.logger.warn({ err }, 'could not sweep the queues of vantages without a worker'))
      .finally(() => {
        running = false;
      });
  }, every);
  timer.unref();
  return { close: () => clearInterval(timer) };
}
