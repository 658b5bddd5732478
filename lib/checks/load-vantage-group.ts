/**
 * A check asked of several vantages is one check per vantage (target.vantageGroup). The report
 * page and the widget both read the whole group: each member's state, and the comparison once
 * every member is done (lib/verdict/compare-vantages.ts decides the differences).
 */
import 'server-only';
import type { CheckResult } from '@/lib/probe/schema';
import { compareVantages, type VantageComparison } from '@/lib/verdict/compare-vantages';
import type { CheckPageView } from './load-check-view';

export interface VantageMember {
  vantage: string;
  id: string;
  /** a member that cannot be read any more counts as interrupted */
  status: 'queued' | 'running' | 'done' | 'interrupted';
  result?: CheckResult;
}

export async function loadVantageGroup(
  group: readonly { vantage: string; id: string }[],
  load: (id: string) => Promise<CheckPageView | null>,
): Promise<{ members: VantageMember[]; comparison?: VantageComparison }> {
  const members = await Promise.all(
    group.map(async ({ vantage, id }): Promise<VantageMember> => {
      const view = await load(id);
      if (!view) return { vantage, id, status: 'interrupted' };
      if (view.status === 'done') return { vantage, id, status: 'done', result: view.result };
      return { vantage, id, status: view.status === 'running' ? (view.queued ? 'queued' : 'running') : view.status };
    }),
  );
  const done = members.flatMap((m) => (m.result ? [{ vantage: m.vantage, result: m.result }] : []));
  return { members, ...(done.length === members.length ? { comparison: compareVantages(done) } : {}) };
}
