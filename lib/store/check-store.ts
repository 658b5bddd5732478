/**
 * Where checks and their event logs live: SQLite (lib/store/sqlite-store.ts, the embedded default)
 * or Postgres (lib/store/postgres-store.ts, DATABASE_URL); lib/store/open-store.ts picks one. The
 * interface is asynchronous although SQLite answers synchronously, so the runner does not care.
 * Both pass the same contract suite (tests/fixtures/store-contract.ts).
 *
 * Ownership: every store instance (one per process) has an `owner` id, and the checks it creates
 * or claims are recorded as its own. A check left 'running' is only ever marked interrupted by
 * someone else once its owner is gone:
 * - SQLite: one process per file, so any running check owned by another instance is a leftover
 *   of a previous process (at start-up: all of them, as before).
 * - Postgres: several instances share the database; each one renews a lease on its running checks
 *   (every leaseMs / 3), and a running check is a leftover only once its owner's lease expired.
 */
import type { CheckEvent, CheckInput, CheckMode, CheckResult } from '@/lib/probe/schema';

/** A check's persisted state; 'running' covers queued checks too (the runner knows which). */
export type { StoredCheckStatus } from '@/lib/checks/check-status';
import type { StoredCheckStatus } from '@/lib/checks/check-status';

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

/** Position in a domain's history: the last row a page showed. */
export interface HistoryCursor {
  createdAt: number;
  id: string;
}

/** 'unlisted' checks are reachable only by id: never returned by findRecent or findLatestDone. */
export type CheckVisibility = 'public' | 'unlisted';

export interface CheckStore {
  /** which engine holds the data (logs, readiness, the sweep of dead instances' checks) */
  readonly engine: 'sqlite' | 'postgres';
  /** this instance's id, recorded on the checks it creates or claims */
  readonly owner: string;
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
  /**
   * Every check left 'running' by an instance that is gone becomes 'interrupted' (see Ownership
   * above): at start-up, and periodically in scaled mode. Never touches this instance's own checks
   * nor, on Postgres, those of a live instance. Returns how many.
   */
  markRunningInterrupted(reason?: string): Promise<number>;
  /**
   * Takes over a running check (a worker starting a job queued by a web instance): it becomes this
   * instance's, with a fresh lease. False when the check is unknown or no longer running.
   */
  claimCheck(id: string): Promise<boolean>;
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
   * History: the public domain-mode checks of a domain (never unlisted ones), newest first (created_at, then id, descending),
   * strictly older than `before` when given (keyset pagination: stable while new checks arrive).
   * `doneOnly` keeps finished checks with a result.
   */
  listDomainChecks(domain: string, opts: { limit: number; before?: HistoryCursor; doneOnly?: boolean }): Promise<CheckRecord[]>;
  /**
   * Retention: deletes checks that finished ('done') before doneBefore and checks interrupted
   * before interruptedBefore, with their events, in small batches, then hands freed space back to
   * the file system. Running checks are never touched.
   */
  purge(opts: { doneBefore: number; interruptedBefore: number; batch?: number }): Promise<{ checks: number }>;
  /** Cheap query proving the database answers (health endpoint). */
  ping(): Promise<void>;
  /** Proves a write would succeed now (readiness), without changing anything. */
  checkWritable?(): Promise<void>;
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
