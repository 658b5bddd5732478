/**
 * The web tier's watch over stalled jobs. BullMQ finds a job whose worker died (its lock expired)
 * only from a Worker of that job's queue; when a vantage's only worker dies, nobody would. So each
 * web instance keeps a non-processing Worker per known vantage that runs just the stalled checker:
 * a job taken back whose check had already logged events cannot be rerun into the same log and
 * ends 'interrupted' (worker-lost) at once; one that had not waits for the next worker of its
 * vantage; a job that stalls again fails (BullMQ's maxStalledCount), and its check ends
 * 'interrupted' wherever that was noticed.
 */
import { QueueEvents, Worker, type Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { ProbeLogger } from '@/lib/probe/types';
import type { CheckStore } from '@/lib/store/check-store';
import type { EventHub } from '@/lib/checks/event-hub';
import { CheckJobSchema, queueName, stallSettings, type ClientSlots, type VantageRegistry } from './check-queue';
import { endLostCheck } from './lost-check';

export function startStallWatch(opts: {
  connection: () => Redis;
  prefix: string;
  lockMs: number;
  queueFor: (vantage: string) => Queue;
  vantages: () => Promise<string[]>;
  store: CheckStore;
  hub: Pick<EventHub, 'end'>;
  slots: ClientSlots;
  logger: ProbeLogger;
  refreshMs?: number;
}): { close(): Promise<void> } {
  const { logger } = opts;
  const watchers = new Map<string, Worker>();
  const queueEvents = new Map<string, QueueEvents>();
  const stall = stallSettings(opts.lockMs);
  const deps = { store: opts.store, hub: opts.hub, slots: opts.slots, logger };

  async function onStalled(vantage: string, jobId: string): Promise<void> {
    const job = await opts.queueFor(vantage).getJob(jobId);
    const data = CheckJobSchema.safeParse(job?.data);
    if (!data.success) return;
    const logged = await opts.store.listEvents(data.data.checkId, 0);
    if (logged.length > 0) await endLostCheck(deps, data.data.checkId, data.data.clientKey);
  }

  async function onFailed(vantage: string, jobId: string): Promise<void> {
    const job = await opts.queueFor(vantage).getJob(jobId);
    const data = CheckJobSchema.safeParse(job?.data);
    if (data.success) await endLostCheck(deps, data.data.checkId, data.data.clientKey);
  }

  function watch(vantage: string): void {
    if (watchers.has(vantage)) return;
    // Never processes a job (no run()): only its stalled checker runs.
    const w = new Worker(queueName(vantage), null, {
      connection: opts.connection(),
      prefix: opts.prefix,
      autorun: false,
      lockDuration: stall.lockMs,
      stalledInterval: stall.stalledIntervalMs,
      maxStalledCount: 1,
    });
    w.on('error', (err) => logger.warn({ err, vantage }, 'stalled-job watch error'));
    w.on('stalled', (jobId) => void onStalled(vantage, jobId).catch((err: unknown) => logger.warn({ err, jobId }, 'stalled job not handled')));
    void w.startStalledCheckTimer().catch((err: unknown) => logger.warn({ err, vantage }, 'stalled-job watch failed'));
    watchers.set(vantage, w);
    // A job that stalled more than once is failed inside Redis by whichever checker saw it: only
    // the queue's event stream tells everyone. Every instance hears it; ending a check is idempotent.
    const events = new QueueEvents(queueName(vantage), { connection: opts.connection(), prefix: opts.prefix });
    events.on('error', (err) => logger.warn({ err, vantage }, 'queue events error'));
    events.on('failed', ({ jobId }) => void onFailed(vantage, jobId).catch((err: unknown) => logger.warn({ err, jobId }, 'failed job not handled')));
    queueEvents.set(vantage, events);
  }

  const refresh = () =>
    opts
      .vantages()
      .then((vs) => vs.forEach(watch))
      .catch((err: unknown) => logger.warn({ err }, 'could not list vantages'));
  void refresh();
  const timer = setInterval(refresh, opts.refreshMs ?? 10_000);
  timer.unref();

  return {
    async close() {
      clearInterval(timer);
      await Promise.allSettled([...watchers.values(), ...queueEvents.values()].map((w) => w.close()));
    },
  };
}
