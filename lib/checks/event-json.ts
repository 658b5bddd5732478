/**
 * An event's JSON, computed once. The runner thread already serialises each event (the storage
 * budget measures it); the text crosses to the web thread with it, and the SSE frames of every
 * viewer are built from it instead of serialising the same object once per viewer.
 */
import type { CheckEvent } from '@/lib/probe/schema';

const known = new WeakMap<CheckEvent, string>();

/** Records `json` as the serialised form of `event` (the caller guarantees they match). */
export function rememberJson(event: CheckEvent, json: string): CheckEvent {
  known.set(event, json);
  return event;
}

/** The event's JSON: the remembered text, or JSON.stringify once (then remembered). */
export function eventJson(event: CheckEvent): string {
  let json = known.get(event);
  if (json === undefined) {
    json = JSON.stringify(event);
    known.set(event, json);
  }
  return json;
}
