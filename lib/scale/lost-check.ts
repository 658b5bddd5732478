/**
 * Ending a check whose worker died: stored 'interrupted' (reason 'worker-lost') unless it already
 * ended, viewers told, the client's slot given back. Called by whichever process notices first: a
 * worker taking the job back, or a web instance's stalled-job watch.
 */
import type { ProbeLogger } from '@/lib/probe/types';
import type { CheckStore } from '@/lib/store/check-store';
import type { EventHub } from '@/lib/checks/event-hub';
import type { ClientSlots } from './check-queue';

export const WORKER_LOST = 'worker-lost';

export async function endLostCheck(
  deps: { store: CheckStore; hub: Pick<EventHub, 'end'>; slots: ClientSlots; logger: ProbeLogger },
  checkId: string,
  clientKey: string,
): Promise<boolean> {
  const ended = await deps.store.markInterrupted(checkId, WORKER_LOST, Date.now());
  if (ended) {
    deps.hub.end(checkId, { status: 'interrupted', reason: WORKER_LOST });
    deps.logger.warn({ checkId }, 'check lost with its worker: interrupted');
  }
  await deps.slots.release(clientKey, checkId);
  return ended;
}
