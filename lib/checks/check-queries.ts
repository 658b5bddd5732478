/**
 * The read side the pages and routes ask, on top of the CheckStore interface: a domain's latest
 * check (badge, preview image, widget), its history, the feed, comparisons, a check's stored
 * events, and whether the database answers (health, readiness). Pages and routes never hold the
 * store; the runner answers for one check (it knows queued from running), this for the rest. Any
 * store engine that implements CheckStore serves it unchanged.
 */
import type { CheckMode } from '@/lib/probe/schema';
import type { CheckRecord, CheckStore, HistoryCursor, StoredEvent } from '@/lib/store/check-store';
import { compareResults } from '@/lib/history/compare-results';
import { encodeCursor } from '@/lib/history/cursor';
import { HISTORY_PAGE_DEFAULT, HISTORY_PAGE_MAX, historyEntry, type CompareOutcome } from '@/lib/history/domain-history';
import type { HistoryPage } from '@/lib/history/schemas';

export interface CheckQueries {
  /** The newest public check of a domain still running, or finished at or after sinceMs. */
  recentCheck(domain: string, mode: CheckMode, sinceMs: number): Promise<CheckRecord | null>;
  /** The public check of a domain that finished last, however long ago (badges, preview images). */
  latestDone(domain: string, mode: CheckMode): Promise<CheckRecord | null>;
  /** One page of a domain's public checks, newest first, with the cursor of the next page. */
  historyPage(domain: string, opts?: { limit?: number; before?: HistoryCursor }): Promise<HistoryPage>;
  /** A domain's last finished checks, newest first (the feed). */
  finishedChecks(domain: string, limit: number): Promise<CheckRecord[]>;
  /** The finished check of the same domain just before this one (what "compare with previous" opens). */
  previousDone(check: Pick<CheckRecord, 'domain' | 'createdAt' | 'id'>): Promise<CheckRecord | null>;
  /** Loads two checks of the same domain and compares them, older → newer as given. */
  compare(fromId: string, toId: string): Promise<CompareOutcome>;
  /** A check's stored events with seq > afterSeq, oldest first. */
  events(id: string, afterSeq?: number): Promise<StoredEvent[]>;
  /** Resolves when the database answers a cheap query (health). */
  ping(): Promise<void>;
  /** Resolves when a write would succeed now, without changing anything (readiness). */
  writable(): Promise<void>;
}

export function createCheckQueries(store: CheckStore): CheckQueries {
  return {
    recentCheck: (domain, mode, sinceMs) => store.findRecent(domain, mode, sinceMs),
    latestDone: (domain, mode) => store.findLatestDone(domain, mode),

    async historyPage(domain, opts = {}) {
      const limit = Math.min(HISTORY_PAGE_MAX, Math.max(1, opts.limit ?? HISTORY_PAGE_DEFAULT));
      // One row more than asked tells whether an older page exists without a COUNT.
      const rows = await store.listDomainChecks(domain, { limit: limit + 1, ...(opts.before ? { before: opts.before } : {}) });
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        domain,
        checks: page.map(historyEntry),
        nextCursor: rows.length > limit && last ? encodeCursor({ createdAt: last.createdAt, id: last.id }) : null,
      };
    },

    finishedChecks: (domain, limit) => store.listDomainChecks(domain, { limit, doneOnly: true }),

    async previousDone(check) {
      const [prev] = await store.listDomainChecks(check.domain, { limit: 1, doneOnly: true, before: { createdAt: check.createdAt, id: check.id } });
      return prev ?? null;
    },

    async compare(fromId, toId) {
      const [from, to] = await Promise.all([store.getCheck(fromId), store.getCheck(toId)]);
      if (!from) return { ok: false, reason: 'not-found', id: fromId };
      if (!to) return { ok: false, reason: 'not-found', id: toId };
      if (from.result === null || from.status !== 'done') return { ok: false, reason: 'not-ready', id: fromId };
      if (to.result === null || to.status !== 'done') return { ok: false, reason: 'not-ready', id: toId };
      if (from.domain !== to.domain || from.mode !== to.mode) return { ok: false, reason: 'different-targets' };
      const a = { ...from, result: from.result };
      const b = { ...to, result: to.result };
      return { ok: true, domain: from.domain, from: a, to: b, changes: compareResults(a.result, b.result) };
    },

    events: (id, afterSeq = 0) => store.listEvents(id, afterSeq),
    ping: () => store.ping(),
    writable: () => (store.checkWritable ? store.checkWritable() : store.ping()),
  };
}
