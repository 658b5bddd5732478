/**
 * In-process fan-out of a check's live events to its viewers (SSE streams). It only carries
 * events the runner has already persisted; replay comes from the store (see runner.subscribe).
 */
import type { CheckEvent } from '@/lib/probe/schema';

/** How a check's stream ends: the result is stored, or the check was cut short. */
export type CheckEnd = { status: 'done' } | { status: 'interrupted'; reason: string };

export interface HubListener {
  event(seq: number, event: CheckEvent): void;
  end(end: CheckEnd): void;
  /**
   * Live messages may have been lost (a cross-process hub whose connection came back): catch up
   * from the store. The in-process hub never calls it.
   */
  resync?(): void;
}

export interface EventHub {
  listen(id: string, listener: HubListener): () => void;
  publish(id: string, seq: number, event: CheckEvent): void;
  end(id: string, end: CheckEnd): void;
  /** viewers attached to a check (for tests and health) */
  listenerCount(id?: string): number;
}

export function createEventHub(onListenerError: (err: unknown) => void = () => {}): EventHub {
  const listeners = new Map<string, Set<HubListener>>();

  function each(id: string, fn: (l: HubListener) => void): void {
    // A copy: a listener may unsubscribe itself (or another) while being called.
    for (const l of [...(listeners.get(id) ?? [])]) {
      try {
        fn(l);
      } catch (err) {
        // One broken viewer must not stop the check or the other viewers.
        onListenerError(err);
      }
    }
  }

  return {
    listen(id, listener) {
      let set = listeners.get(id);
      if (!set) listeners.set(id, (set = new Set()));
      set.add(listener);
      return () => {
        set.delete(listener);
        if (set.size === 0 && listeners.get(id) === set) listeners.delete(id);
      };
    },
    publish(id, seq, event) {
      each(id, (l) => l.event(seq, event));
    },
    end(id, end) {
      each(id, (l) => l.end(end));
      listeners.delete(id);
    },
    listenerCount(id) {
      if (id !== undefined) return listeners.get(id)?.size ?? 0;
      let n = 0;
      for (const s of listeners.values()) n += s.size;
      return n;
    },
  };
}
