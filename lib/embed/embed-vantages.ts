/**
 * The widget's line for a check asked of several vantages: each vantage with its verdict (or how
 * far its check is), and a compact difference marker, the titles of the findings where the
 * vantages disagree, once all are done. Pure, like embed-view.ts; finding titles come in the
 * widget's language from the same catalogue as the report.
 */
import { localizedFindingText } from '@/lib/i18n/finding-text';
import type { Locale } from '@/lib/i18n/locales';
import type { Verdict } from '@/lib/report/status';
import type { VantageComparison } from '@/lib/verdict/compare-vantages';

export interface EmbedVantage {
  vantage: string;
  id: string;
  /** this widget's own check */
  current: boolean;
  state: 'queued' | 'running' | 'done' | 'interrupted';
  verdict?: Verdict;
}

export interface EmbedVantages {
  rows: EmbedVantage[];
  /**
   * once every vantage is done: the titles of the findings where they disagree, each once (the
   * same difference at several addresses reads alike); empty: they agree
   */
  differences?: string[];
}

export function embedVantages(
  members: readonly { vantage: string; id: string; status: EmbedVantage['state']; result?: { summary: { verdict: Verdict } } }[],
  comparison: VantageComparison | undefined,
  currentId: string,
  locale: Locale,
): EmbedVantages {
  return {
    rows: members.map((m) => ({
      vantage: m.vantage,
      id: m.id,
      current: m.id === currentId,
      state: m.status,
      ...(m.result ? { verdict: m.result.summary.verdict } : {}),
    })),
    ...(comparison ? { differences: [...new Set(comparison.findings.map((f) => localizedFindingText(locale, f.code, f.params).title))] } : {}),
  };
}
