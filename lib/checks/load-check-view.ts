/**
 * What the check page needs, in one place: the check and, while it runs (or after it was
 * interrupted), the events stored so far. The page never starts a probe; reloading a permalink
 * only reads.
 */
import 'server-only';
import type { CheckInput, CheckResult } from '@/lib/probe/schema';
import type { CheckStatus } from './check-status';
import type { StoredEvent } from '@/lib/store/check-store';
import { isCheckId } from './check-id-pattern';
import { resultFromEvents } from './event-log';
import { getServices } from './get-runner';

/** The two reads the page makes: the runner's view of a check, and the store's event log. */
export interface CheckViewSource {
  getCheck(id: string): Promise<{
    id: string;
    status: CheckStatus;
    target: CheckInput;
    /** ms since epoch, server clock */
    createdAt: number;
    result: CheckResult | null;
    reason: string | null;
    /** when it ended (ms since epoch): how long an interrupted check had waited or run */
    finishedAt?: number | null;
  } | null>;
  listEvents(id: string, afterSeq?: number): Promise<StoredEvent[]>;
}

interface Base {
  id: string;
  target: CheckInput;
  /** ms since epoch, server clock */
  createdAt: number;
}

export type CheckPageView =
  | (Base & { status: 'done'; result: CheckResult })
  | (Base & { status: 'running'; queued: boolean; events: StoredEvent[] })
  | (Base & { status: 'interrupted'; reason: string | null; finishedAt: number | null; events: StoredEvent[] });

/** null for a malformed or unknown id (the page answers 404). */
export async function loadCheckView(id: string, source: CheckViewSource): Promise<CheckPageView | null> {
  if (!isCheckId(id)) return null;
  const check = await source.getCheck(id);
  if (!check) return null;
  const base: Base = { id: check.id, target: check.target, createdAt: check.createdAt };
  if (check.status === 'done' && check.result) return { ...base, status: 'done', result: check.result };
  const events = await source.listEvents(id, 0);
  // The final event may be stored a moment before the status flips: the log then holds the result.
  const final = resultFromEvents(events);
  if (final) return { ...base, status: 'done', result: final };
  if (check.status === 'done') throw new Error(`check ${id} is done but has no result`);
  if (check.status === 'interrupted') return { ...base, status: 'interrupted', reason: check.reason, finishedAt: check.finishedAt ?? null, events };
  return { ...base, status: 'running', queued: check.status === 'queued', events };
}

/** The page's entry point: the process-wide runner and query service. */
export async function loadCheckViewFromServices(id: string): Promise<CheckPageView | null> {
  if (!isCheckId(id)) return null;
  const { runner, queries } = await getServices();
  return loadCheckView(id, {
    getCheck: (checkId) => runner.getCheck(checkId),
    listEvents: (checkId, after) => queries.events(checkId, after),
  });
}
