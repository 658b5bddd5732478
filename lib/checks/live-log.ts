/**
 * The stored events of the checks a runner is running, kept in its memory as the store has them
 * (seq and JSON), so a viewer attaching to a running check replays from here instead of reading
 * the check and its events from the store. Every viewer attaches that way, mostly in a check's
 * first seconds; under a burst those store reads, the parsing and the JSON.stringify of each
 * replayed event were about an eighth of the web thread's work (BENCHMARKS.md, "The event path on
 * the web thread").
 *
 * A check's log is only ever answered whole: it starts with seq 1 and grows by one seq at a time,
 * and anything else (a gap, a log that did not start at 1, the byte budget spent) drops it, after
 * which that check's viewers replay from the store as before. The runner appends an event before
 * publishing it and drops the log when the check ends or is interrupted, so what a viewer gets
 * from here is exactly what the store holds at that moment.
 */
import type { StoredEvent } from '@/lib/store/check-store';
import type { CheckEvent } from '@/lib/probe/schema';
import { rememberJson } from './event-json';

/**
 * Bytes of event JSON kept for all running checks together. A check of the load lab stores about
 * 30 kB of events, so this holds the whole logs of ~500 checks at once; beyond it, the checks
 * whose logs do not fit replay from the store. It bounds the memory the logs can take (the text
 * only: replayed events are parsed per replay, not kept parsed).
 */
export const LIVE_LOG_MAX_BYTES = 16 * 1024 * 1024;

export interface LiveLog {
  /** an event of `id` has been stored as `seq` (seq 1 starts the check's log) */
  append(id: string, seq: number, json: string): void;
  /** the check's stored events after `afterSeq`, or undefined when its whole log is not here */
  after(id: string, afterSeq: number): StoredEvent[] | undefined;
  /** the check has ended or been interrupted: its viewers read the store from now on */
  drop(id: string): void;
  /** checks and bytes held (tests, health) */
  size(): { checks: number; bytes: number };
}

interface Log {
  json: string[];
  bytes: number;
}

export function createLiveLog(maxBytes = LIVE_LOG_MAX_BYTES): LiveLog {
  const logs = new Map<string, Log>();
  let bytes = 0;

  function drop(id: string): void {
    const log = logs.get(id);
    if (!log) return;
    bytes -= log.bytes;
    logs.delete(id);
  }

  return {
    append(id, seq, json) {
      if (seq === 1) drop(id);
      const log = seq === 1 ? { json: [], bytes: 0 } : logs.get(id);
      if (!log) return;
      // seq is 1-based and dense: entry i holds seq i + 1.
      if (seq !== log.json.length + 1 || bytes + json.length > maxBytes) return drop(id);
      if (seq === 1) logs.set(id, log);
      log.json.push(json);
      log.bytes += json.length;
      bytes += json.length;
    },
    after(id, afterSeq) {
      const log = logs.get(id);
      if (!log) return undefined;
      const out: StoredEvent[] = [];
      for (let i = Math.max(0, afterSeq); i < log.json.length; i++) {
        const json = log.json[i]!;
        out.push({ seq: i + 1, event: rememberJson(JSON.parse(json) as CheckEvent, json) });
      }
      return out;
    },
    drop,
    size: () => ({ checks: logs.size, bytes }),
  };
}
