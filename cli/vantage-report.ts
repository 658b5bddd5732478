/**
 * The terminal report of one check run from several vantages: the ports side by side, the
 * findings where the vantages disagree (lib/verdict/compare-vantages.ts, as on the web), then the
 * full report of each vantage. Loaded only when printed.
 */
import { createColors } from 'picocolors';
import type { Locale } from '@/lib/i18n/locales';
import { translatorFor } from '@/lib/i18n/translator';
import type { CheckResult } from '@/lib/probe/schema';
import type { VantageComparison } from '@/lib/verdict/compare-vantages';
import { visibleText as v } from '@/lib/verdict/visible-text';
import { findingLines, formatReport, pad, STATUS_MARK, statusColor } from './format-report';

export interface VantageRun {
  vantage: string;
  sourceAddress: string;
  result: CheckResult;
}

export function formatVantageReport(runs: readonly VantageRun[], comparison: VantageComparison, opts: { color: boolean; locale?: Locale }): string {
  const c = createColors(opts.color);
  const locale = opts.locale ?? 'en';
  const t = translatorFor(locale);
  const target = runs[0]!.result.target;
  const out: string[] = [];
  out.push(c.bold(`mxray · ${v(target.displayDomain)}`) + c.dim(`  ${t('cli.vantageCount', { count: runs.length })}`));
  out.push('', c.bold(t('report.vantages.title')));
  for (const r of runs) out.push(c.dim(`  ${t('cli.vantageSource', { vantage: r.vantage, address: r.sourceAddress })}`));
  const where = (row: VantageComparison['rows'][number]) => `${row.host} · ${row.address} · ${row.port}`;
  const first = Math.max([...t('report.vantages.where')].length, ...comparison.rows.map((row) => [...where(row)].length)) + 2;
  const cells = comparison.rows.map((row) =>
    comparison.vantages.map((name) => {
      const cell = row.cells[name];
      return cell
        ? { text: `${STATUS_MARK[cell.status]} ${t(`labels.terse.${cell.reading}`)}`, status: cell.status }
        : { text: t('report.vantages.notProbed'), status: 'untested' as const };
    }),
  );
  const widths = comparison.vantages.map((name, i) => Math.max([...name].length, ...cells.map((r) => [...r[i]!.text].length)) + 2);
  out.push('', c.dim('  ' + pad(t('report.vantages.where'), first) + comparison.vantages.map((name, i) => pad(name, widths[i]!)).join('')));
  comparison.rows.forEach((row, r) => {
    out.push('  ' + pad(v(where(row)), first) + cells[r]!.map((cell, i) => statusColor(c, cell.status)(pad(cell.text, widths[i]!))).join('').trimEnd());
  });
  if (comparison.findings.length === 0) out.push('', c.green(`  ${t('report.vantages.same')}`));
  else out.push(...findingLines(c, comparison.findings, locale, t));
  for (const r of runs) {
    out.push('', c.bold(`── ${t('cli.vantageSource', { vantage: r.vantage, address: r.sourceAddress })} ──`), '');
    out.push(formatReport(r.result, opts).trimEnd());
  }
  return out.join('\n') + '\n';
}
