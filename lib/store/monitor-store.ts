/**
 * Where monitors, their schedule and their webhook deliveries live. Separate from CheckStore so
 * the runner and its fakes stay as they are; a store engine (SQLite, Postgres) implements both.
 * Every method that moves work forward (claimRun, claimDelivery) is a compare-and-set, so two
 * schedulers sharing one database (scaled mode) never run the same monitor or send the same
 * delivery twice, and a crash in between leaves the work to be picked up again.
 */
import type { MonitorConditions, MonitorTarget, DeliveryOutcome } from '@/lib/monitors/schemas';

export interface MonitorRecord {
  id: string;
  domain: string;
  intervalSec: number;
  conditions: MonitorConditions;
  targets: MonitorTarget[];
  /** SHA-256 (hex) of the capability token; the token itself is never stored */
  tokenHash: string;
  /** HMAC key for webhook signatures (the receiver holds it too, so it is stored as is) */
  signingSecret: string;
  /** the client key that created it (for the per-client cap) */
  createdBy: string;
  /** origin the monitor was created at, for absolute links in payloads */
  origin: string;
  createdAt: number;
  paused: boolean;
  /** ms since epoch; the scheduler runs the monitor once this has passed */
  nextRunAt: number;
  /** the check the next run is compared with */
  lastCheckId: string | null;
  /** a run claimed and not completed: since when, and its check once started */
  pendingSince: number | null;
  pendingCheckId: string | null;
}

export type NewMonitor = Omit<MonitorRecord, 'lastCheckId' | 'pendingSince' | 'pendingCheckId' | 'paused'>;

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface NewDelivery {
  id: string;
  monitorId: string;
  url: string;
  /** the exact body sent on every attempt (the signature covers it) */
  payload: string;
  checkId: string;
  createdAt: number;
}

export interface DeliveryAttempt {
  n: number;
  at: number;
  outcome: DeliveryOutcome;
  httpStatus: number | null;
  error: string | null;
  durationMs: number;
}

export interface DeliveryRecord extends NewDelivery {
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: number | null;
  attemptLog: DeliveryAttempt[];
}

export interface MonitorStore {
  createMonitor(m: NewMonitor): Promise<void>;
  getMonitor(id: string): Promise<MonitorRecord | null>;
  deleteMonitor(id: string): Promise<boolean>;
  setPaused(id: string, paused: boolean, nextRunAt: number): Promise<boolean>;
  /** monitors in total, or created by one client */
  countMonitors(createdBy?: string): Promise<number>;
  /** unpaused monitors with no pending run whose nextRunAt <= now, soonest first */
  listDueMonitors(now: number, limit: number): Promise<MonitorRecord[]>;
  /**
   * Takes the run: only if nextRunAt is still `expectedNextRunAt` and no run is pending. Moves
   * nextRunAt to `nextRunAt` (one interval from now, never from the missed time: no burst).
   */
  claimRun(id: string, expectedNextRunAt: number, nextRunAt: number, now: number): Promise<boolean>;
  /** records the check a claimed run started */
  setPendingCheck(id: string, checkId: string): Promise<void>;
  /**
   * ends a run: the check becomes the last one compared with, its deliveries are queued, atomically.
   * False (and nothing queued) when the monitor was deleted meanwhile: a delete during a run is safe.
   */
  completeRun(id: string, checkId: string, deliveries: NewDelivery[]): Promise<boolean>;
  /** gives a claimed run up (its check was interrupted): run again at `nextRunAt` */
  abandonRun(id: string, nextRunAt: number): Promise<void>;
  /** runs claimed at or before `olderThan` and not completed (a crashed process left them) */
  listStaleRuns(olderThan: number): Promise<MonitorRecord[]>;
  /** pending deliveries whose next attempt is due */
  listDueDeliveries(now: number, limit: number): Promise<DeliveryRecord[]>;
  /**
   * Takes one attempt: only if nextAttemptAt is still `expected`; moves it to `leaseUntil`, so an
   * attempt cut short by a crash is retried once the lease runs out.
   */
  claimDelivery(id: string, expected: number, leaseUntil: number): Promise<boolean>;
  /**
   * logs an attempt and sets what follows: another try at nextAttemptAt, or a final status. False
   * (nothing logged) when the delivery is gone with its deleted monitor.
   */
  recordAttempt(id: string, attempt: DeliveryAttempt, next: { status: DeliveryStatus; nextAttemptAt: number | null }): Promise<boolean>;
  /** one delivery with its attempts (a scheduler that queues each attempt as a job reads it back) */
  getDelivery(id: string): Promise<DeliveryRecord | null>;
  /** every monitor, by id, a page at a time after `afterId` ('' for the first): reconciling a scheduler with the store */
  listMonitors(afterId: string, limit: number): Promise<MonitorRecord[]>;
  /** a monitor's deliveries, newest first, each with its attempts */
  listDeliveries(monitorId: string, limit: number): Promise<DeliveryRecord[]>;
}
