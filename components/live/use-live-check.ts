'use client';

import { useEffect, useReducer, useRef, useState } from 'react';
import type { LiveCheckStatus } from '@/lib/checks/check-status';
import { CheckEventSchema, type CheckEvent } from '@/lib/probe/schema';
import { CHECK_EVENT_TYPES, initialLiveState, liveReducer, type LiveState } from '@/lib/report/live-state';

export type LiveConnection = 'connecting' | 'live' | 'reconnecting' | 'closed';

export interface UseLiveCheckOptions {
  /** when the stored events happened, on the caller's time base (default 0) */
  initialAt?: number;
  /** the caller's clock for live events (default Date.now), e.g. corrected to the server's */
  now?: () => number;
  /** the server's 'interrupted' marker arrived (the check was cut short) */
  onInterrupted?: () => void;
}

/**
 * A check's live state: the events the server rendered, then its SSE stream (named events, each
 * parsed with the server's own schema) until 'check-done' or the server's 'interrupted' marker.
 * The reducer drops anything already applied, so a reconnect's replay is harmless. Used by the
 * permalink page's live view and by the embeddable widget.
 */
export function useLiveCheck(
  checkId: string,
  initialEvents: readonly { seq: number; event: CheckEvent }[],
  status: LiveCheckStatus,
  opts: UseLiveCheckOptions = {},
): { state: LiveState; connection: LiveConnection } {
  const initialAt = opts.initialAt ?? 0;
  const [state, dispatch] = useReducer(liveReducer, null, () => {
    const s = initialEvents.reduce((acc, e) => liveReducer(acc, { type: 'event', seq: e.seq, event: e.event, at: initialAt }), initialLiveState);
    return status === 'interrupted' ? liveReducer(s, { type: 'interrupted', at: initialAt }) : s;
  });
  const [connection, setConnection] = useState<LiveConnection>('connecting');
  // Read when the stream opens: later seqs arrive on that stream, and EventSource resumes by itself.
  const lastSeq = useRef(state.lastSeq);
  useEffect(() => {
    lastSeq.current = state.lastSeq;
  }, [state.lastSeq]);
  // Callbacks change identity between renders; the stream must not reopen because of that.
  const callbacks = useRef(opts);
  callbacks.current = opts;

  useEffect(() => {
    if (status !== 'running') return;
    const now = () => (callbacks.current.now ?? Date.now)();
    const es = new EventSource(`/api/checks/${encodeURIComponent(checkId)}/events?lastEventId=${lastSeq.current}`);
    const onEvent = (msg: MessageEvent<string>) => {
      let json: unknown;
      try {
        json = JSON.parse(msg.data);
      } catch {
        console.warn('mxray: unreadable event', msg.type);
        return;
      }
      const parsed = CheckEventSchema.safeParse(json);
      const seq = Number(msg.lastEventId);
      if (!parsed.success || !Number.isInteger(seq)) {
        console.warn('mxray: event does not match the schema', msg.type, parsed.error?.issues);
        return;
      }
      dispatch({ type: 'event', seq, event: parsed.data, at: now() });
      if (parsed.data.type === 'check-done') {
        es.close();
        setConnection('closed');
      }
    };
    // Not a CheckEvent: the server's own end-of-stream marker for a check cut short.
    const onInterrupted = () => {
      es.close();
      setConnection('closed');
      dispatch({ type: 'interrupted', at: now() });
      callbacks.current.onInterrupted?.();
    };
    for (const type of CHECK_EVENT_TYPES) es.addEventListener(type, onEvent);
    es.addEventListener('interrupted', onInterrupted);
    es.onopen = () => setConnection('live');
    // EventSource retries on its own (sending Last-Event-ID); CLOSED means it gave up.
    es.onerror = () => setConnection(es.readyState === EventSource.CLOSED ? 'closed' : 'reconnecting');
    return () => es.close();
  }, [checkId, status]);

  return { state, connection };
}
