/**
 * A domain's history as pages, APIs and the feed read it: one entry per check with its verdict,
 * duration and the timeline facts (certificate expiry per MX, ports answering), and comparisons
 * between two checks. Written against the CheckStore interface, so any store engine serves it.
 */
import type { CheckResult } from '@/lib/probe/schema';
import { PORTS } from '@/lib/probe/schema';
import type { CheckRecord, CheckStore, HistoryCursor } from '@/lib/store/check-store';
import { compareResults, type Change } from './compare-results';
import { encodeCursor } from './cursor';
import type { HistoryEntry, HistoryPage } from './schemas';

export const HISTORY_PAGE_MAX = 100;
export const HISTORY_PAGE_DEFAULT = 25;

/** Per MX host, the leaf that expires first: the one an admin must renew first. */
export function certificateExpiries(result: CheckResult): HistoryEntry['certificates'] {
  const soonest = new Map<string, { notAfter: string; daysLeft: number }>();
  for (const p of result.probes) {
    const leaf = p.tls?.chain[0];
    if (!leaf) continue;
    const seen = soonest.get(p.host);
    if (!seen || leaf.notAfter < seen.notAfter) soonest.set(p.host, { notAfter: leaf.notAfter, daysLeft: leaf.daysLeft });
  }
  return [...soonest].map(([host, c]) => ({ host, ...c })).sort((a, b) => a.host.localeCompare(b.host));
}

export function historyEntry(r: CheckRecord): HistoryEntry {
  const result = r.result;
  return {
    id: r.id,
    status: r.status,
    createdAt: new Date(r.createdAt).toISOString(),
    finishedAt: r.finishedAt === null ? null : new Date(r.finishedAt).toISOString(),
    durationMs: result?.durationMs ?? null,
    verdict: result?.summary.verdict ?? null,
    ports: result
      ? PORTS.flatMap((port) => {
          const s = result.summary.ports.find((x) => x.port === port);
          return s ? [{ port, answered: s.answered, probed: s.probed, status: s.status }] : [];
        })
      : [],
    certificates: result ? certificateExpiries(result) : [],
  };
}

export async function loadHistoryPage(
  store: CheckStore,
  domain: string,
  opts: { limit?: number; before?: HistoryCursor } = {},
): Promise<HistoryPage> {
  const limit = Math.min(HISTORY_PAGE_MAX, Math.max(1, opts.limit ?? HISTORY_PAGE_DEFAULT));
  // One row more than asked tells whether an older page exists without a COUNT.
  const rows = await store.listDomainChecks(domain, { limit: limit + 1, before: opts.before });
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    domain,
    checks: page.map(historyEntry),
    nextCursor: rows.length > limit && last ? encodeCursor({ createdAt: last.createdAt, id: last.id }) : null,
  };
}

/** The finished check of the same domain just before this one (what "compare with previous" opens). */
export async function findPreviousDone(store: CheckStore, check: Pick<CheckRecord, 'domain' | 'createdAt' | 'id'>): Promise<CheckRecord | null> {
  const [prev] = await store.listDomainChecks(check.domain, { limit: 1, doneOnly: true, before: { createdAt: check.createdAt, id: check.id } });
  return prev ?? null;
}

export type CompareOutcome =
  | { ok: true; domain: string; from: CheckRecord & { result: CheckResult }; to: CheckRecord & { result: CheckResult }; changes: Change[] }
  | { ok: false; reason: 'not-found' | 'not-ready' | 'different-targets'; id?: string };

/** Loads two checks of the same domain and compares them, older → newer as given. */
export async function compareChecks(store: CheckStore, fromId: string, toId: string): Promise<CompareOutcome> {
  const [from, to] = await Promise.all([store.getCheck(fromId), store.getCheck(toId)]);
  if (!from) return { ok: false, reason: 'not-found', id: fromId };
  if (!to) return { ok: false, reason: 'not-found', id: toId };
  if (from.result === null || from.status !== 'done') return { ok: false, reason: 'not-ready', id: fromId };
  if (to.result === null || to.status !== 'done') return { ok: false, reason: 'not-ready', id: toId };
  if (from.domain !== to.domain || from.mode !== to.mode) return { ok: false, reason: 'different-targets' };
  const a = { ...from, result: from.result };
  const b = { ...to, result: to.result };
  return { ok: true, domain: from.domain, from: a, to: b, changes: compareResults(a.result, b.result) };
}
