/**
 * Where checks and their event logs live. The interface is asynchronous although SQLite answers
 * synchronously, so a Postgres implementation can slot in without touching the runner.
 */
import type { CheckEvent, CheckInput, CheckMode, CheckResult } from '@/lib/probe/schema';

/** A check's persisted state; 'running' covers queued checks too (the runner knows which). */
export type StoredCheckStatus = 'running' | 'done' | 'interrupted';

export interface CheckRecord {
  id: string;
  domain: string;
  mode: CheckMode;
  target: CheckInput;
  status: StoredCheckStatus;
  /** ms since epoch */
  createdAt: number;
  finishedAt: number | null;
  result: CheckResult | null;
  /** why the check was interrupted ('shutdown', 'restart', 'engine-error: …') */
  error: string | null;
}

export interface StoredEvent {
  /** 1, 2, 3, … per check, in the order the engine emitted the events */
  seq: number;
  event: CheckEvent;
}

/** 'unlisted' checks are reachable only by id: never returned by findRecent or findLatestDone. */
export type CheckVisibility = 'public' | 'unlisted';

export interface CheckStore {
  createCheck(check: { id: string; target: CheckInput; createdAt: number; visibility?: CheckVisibility }): Promise<void>;
  getCheck(id: string): Promise<CheckRecord | null>;
  /** Appends to a running check's log and returns the event's seq; throws once the check is finished. */
  appendEvent(id: string, event: CheckEvent): Promise<number>;
  /** Events with seq > afterSeq, oldest first. */
  listEvents(id: string, afterSeq?: number): Promise<StoredEvent[]>;
  /** running → done; throws if the check is unknown or already finished (finished checks are immutable). */
  finishCheck(id: string, result: CheckResult, finishedAt?: number): Promise<void>;
  /** running → interrupted; false when the check was not running (unknown or already finished). */
  markInterrupted(id: string, reason: string, finishedAt?: number): Promise<boolean>;
  /** At start-up: every check left 'running' by a previous process becomes 'interrupted'. Returns how many. */
  markRunningInterrupted(reason?: string): Promise<number>;
  /**
   * The newest public check for this domain and mode that is still running, or finished ('done') at or
   * after sinceMs: the candidate to answer a repeated request with instead of probing again.
   */
  findRecent(domain: string, mode: CheckMode, sinceMs: number): Promise<CheckRecord | null>;
  /**
   * The public check of this domain and mode that finished ('done') last, however long ago; null when
   * none did. Badges read it to report a domain without ever starting a probe.
   */
  findLatestDone(domain: string, mode: CheckMode): Promise<CheckRecord | null>;
  /**
   * Retention: deletes checks that finished ('done') before doneBefore and checks interrupted
   * before interruptedBefore, with their events, in small batches, then hands freed space back to
   * the file system. Running checks are never touched.
   */
  purge(opts: { doneBefore: number; interruptedBefore: number; batch?: number }): Promise<{ checks: number }>;
  /** Cheap query proving the database answers (health endpoint). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Thrown for a request the store's invariants forbid (unknown id, finished check). */
export class CheckStoreError extends Error {
  constructor(
    readonly code: 'not-found' | 'finished',
    message: string,
  ) {
    super(message);
    this.name = 'CheckStoreError';
  }
}

/** A row that does not parse as what we wrote: a bug or a damaged file, never silently ignored. */
export class StoreCorruptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreCorruptionError';
  }
}
