'use client';

import { useEffect, useReducer, useRef } from 'react';
import { CheckEventSchema, type CheckEvent } from '@/lib/probe/schema';
import { CHECK_EVENT_TYPES, initialLiveState, liveReducer, type LiveState } from '@/lib/report/live-state';

/**
 * A check's live state: the events the server rendered, then its SSE stream (named events, each
 * parsed with the server's own schema) until 'check-done' or the server's 'interrupted' marker.
 * The reducer drops anything already applied, so a reconnect's replay is harmless.
 */
export function useLiveCheck(
  checkId: string,
  initialEvents: readonly { seq: number; event: CheckEvent }[],
  status: 'running' | 'interrupted',
): LiveState {
  const [state, dispatch] = useReducer(liveReducer, null, () => {
    const s = initialEvents.reduce((acc, e) => liveReducer(acc, { type: 'event', seq: e.seq, event: e.event, at: 0 }), initialLiveState);
    return status === 'interrupted' ? liveReducer(s, { type: 'interrupted', at: 0 }) : s;
  });
  // Read when the stream opens: later seqs arrive on that stream, and EventSource resumes by itself.
  const lastSeq = useRef(state.lastSeq);
  useEffect(() => {
    lastSeq.current = state.lastSeq;
  }, [state.lastSeq]);

  useEffect(() => {
    if (status !== 'running') return;
    const es = new EventSource(`/api/checks/${encodeURIComponent(checkId)}/events?lastEventId=${lastSeq.current}`);
    const onEvent = (msg: MessageEvent<string>) => {
      let json: unknown;
      try {
        json = JSON.parse(msg.data);
      } catch {
        return;
      }
      const parsed = CheckEventSchema.safeParse(json);
      const seq = Number(msg.lastEventId);
      if (!parsed.success || !Number.isInteger(seq)) return;
      dispatch({ type: 'event', seq, event: parsed.data, at: Date.now() });
      if (parsed.data.type === 'check-done') es.close();
    };
    const onInterrupted = () => {
      es.close();
      dispatch({ type: 'interrupted', at: Date.now() });
    };
    for (const type of CHECK_EVENT_TYPES) es.addEventListener(type, onEvent);
    es.addEventListener('interrupted', onInterrupted);
    return () => es.close();
  }, [checkId, status]);

  return state;
}
