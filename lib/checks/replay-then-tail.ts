/**
 * Attaching a viewer to a check: its stored events after a given seq, then its live ones, each
 * exactly once and in order, then the end. The race to avoid is an event persisted between reading
 * the store and starting to listen; listening first and de-duplicating by seq closes it.
 *
 * `remembered`: the runner's own copy of a running check's log (live-log.ts), read at once after
 * listening instead of the store. The runner appends an event before publishing it, so the copy
 * read then holds everything published before and the hub brings everything after.
 */
import type { CheckEvent } from '@/lib/probe/schema';
import type { ProbeLogger } from '@/lib/probe/types';
import type { CheckStore, StoredEvent } from '@/lib/store/check-store';
import type { CheckEnd, EventHub, HubListener } from './event-hub';

export interface Subscriber extends HubListener {
  /** replay failed (store error); the subscription is over, the check itself is unaffected */
  error?(err: unknown): void;
}

export function replayThenTail(
  deps: { hub: EventHub; store: CheckStore; logger: ProbeLogger; remembered?: (id: string, afterSeq: number) => StoredEvent[] | undefined },
  id: string,
  afterSeq: number,
  subscriber: Subscriber,
): () => void {
  const { hub, store, logger } = deps;
  let closed = false;
  let replaying = true;
  let last = afterSeq;
  let endedLive: CheckEnd | undefined;
  let catchUpAfterReplay = false;
  const buffered: { seq: number; event: CheckEvent }[] = [];

  const deliver = (seq: number, event: CheckEvent) => {
    if (closed || seq <= last) return;
    last = seq;
    subscriber.event(seq, event);
  };
  const finish = (end: CheckEnd) => {
    if (closed) return;
    closed = true;
    unlisten();
    subscriber.end(end);
  };

  // Listen first, read the store second: an event persisted meanwhile is in the replay, in the
  // buffer, or both (seq drops the duplicate), never in neither. The runner persists before it
  // publishes, so anything published before we listened is already in the store.
  const unlisten = hub.listen(id, {
    event: (seq, event) => (replaying ? buffered.push({ seq, event }) : deliver(seq, event)),
    end: (end) => (replaying ? (endedLive = end) : finish(end)),
    resync: () => {
      if (closed) return;
      if (replaying) catchUpAfterReplay = true;
      else catchUp();
    },
  });

  /**
   * Reads what the live messages may have missed: the record first, so that a check it shows
   * finished has its whole log in the events read after it.
   */
  function catchUp(): void {
    void (async () => {
      const record = await store.getCheck(id);
      const missed = await store.listEvents(id, last);
      for (const s of missed) deliver(s.seq, s.event);
      settleFrom(record);
    })().catch((err: unknown) => logger.warn({ checkId: id, err }, 'catching up on check events failed'));
  }

  /** Ends the subscription when the stored record says the check is over. */
  const settleFrom = (record: Awaited<ReturnType<CheckStore['getCheck']>>) => {
    if (!record) finish({ status: 'interrupted', reason: 'not-found' });
    else if (record.status === 'done') finish({ status: 'done' });
    else if (record.status === 'interrupted') finish({ status: 'interrupted', reason: record.error ?? 'unknown' });
  };

  // Read now, right after listening (not after an await): nothing can be published in between.
  const remembered = deps.remembered?.(id, afterSeq);

  void (async () => {
    // Delivered after this call returns, as a replay from the store is.
    if (remembered) await undefined;
    // The record first: a check it shows finished has its whole log in what is read after it.
    const record = remembered ? undefined : await store.getCheck(id);
    const stored = remembered ?? (await store.listEvents(id, afterSeq));
    for (const s of stored) deliver(s.seq, s.event);
    for (const b of buffered) deliver(b.seq, b.event);
    buffered.length = 0;
    replaying = false;
    // A check that ended before we listened has its whole log in `stored`; one that ended while
    // we read announced it on the hub. A remembered check was running when we listened: its end
    // comes on the hub.
    if (endedLive) finish(endedLive);
    else if (record !== undefined) settleFrom(record);
    if (catchUpAfterReplay && !closed) catchUp();
  })().catch((err: unknown) => {
    if (closed) return;
    closed = true;
    unlisten();
    logger.error({ checkId: id, err }, 'replaying check events failed');
    subscriber.error?.(err);
  });

  return () => {
    closed = true;
    unlisten();
  };
}
