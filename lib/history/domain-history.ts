/**
 * A domain's history as pages, APIs and the feed read it: one entry per check with its verdict,
 * duration and the timeline facts (certificate expiry per MX, ports answering), and comparisons
 * between two checks. Pure: the reads that feed it live in the query service
 * (lib/checks/check-queries.ts), written against the CheckStore interface.
 */
import type { CheckResult } from '@/lib/probe/schema';
import { PORTS } from '@/lib/probe/schema';
import type { CheckRecord } from '@/lib/store/check-store';
import type { Change } from './compare-results';
import type { HistoryEntry } from './schemas';

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

export type CompareOutcome =
  | { ok: true; domain: string; from: CheckRecord & { result: CheckResult }; to: CheckRecord & { result: CheckResult }; changes: Change[] }
  | { ok: false; reason: 'not-found' | 'not-ready' | 'different-targets'; id?: string };
