/**
 * Ending a check whose worker died (or that no worker of its vantage took): stored 'interrupted' (reason 'worker-lost') unless it already
 * ended, viewers told, the client's slot given back. Called by whichever process notices first: a
 * worker taking the job back, or a web instance's stalled-job watch.
 */
import type { ProbeLogger } from '@/lib/probe/types';
import type { CheckStore } from '@/lib/store/check-store';
import type { EventHub } from '@/lib/checks/event-hub';
import type { ClientSlots } from './check-queue';

export const WORKER_LOST = 'worker-lost';

/** A check whose vantage had no live worker to take it within the check's budget. */
export const NO_WORKER = 'no-worker';

export async function endLostCheck(
  deps: { store: CheckStore; hub: Pick<EventHub, 'end'>; slots: ClientSlots; logger: ProbeLogger },
  checkId: string,
  clientKey: string,
  reason: typeof WORKER_LOST | typeof NO_WORKER = WORKER_LOST,
): Promise<boolean> {
  const ended = await deps.store.markInterrupted(checkId, reason, Date.now());
  if (ended) {
    deps.hub.end(checkId, { status: 'interrupted', reason });
    deps.logger.warn({ checkId, reason }, reason === WORKER_LOST ? 'check lost with its worker: interrupted' : 'no worker took the check: interrupted');
  }
  await deps.slots.release(clientKey, checkId);
  return ended;
}
