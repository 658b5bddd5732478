import Link from 'next/link';
import { useTranslations } from 'next-intl';
import { Section } from '@/components/ui/card';
import { StatusBadge } from '@/components/ui/badge';
import { PORT_STATUS_META } from '@/lib/report/status';
import type { VantageCell, VantageComparison as Comparison } from '@/lib/verdict/compare-vantages';
import { FindingsList } from './findings-list';

export interface VantageLink {
  vantage: string;
  id: string;
  href: string;
  /** 'done', or how far the check of that vantage is */
  status: 'queued' | 'running' | 'done' | 'interrupted';
}

function Reading({ cell }: { cell: VantageCell | undefined }) {
  const status = useTranslations('status');
  const t = useTranslations('report.vantages');
  if (!cell) return <span className="text-zinc-500">{t('notProbed')}</span>;
  const r = cell.reading;
  const words =
    r === 'plaintext'
      ? status('encryption.none')
      : r === 'starttls' || r === 'implicit-tls'
        ? status(`encryption.${r}`)
        : r === 'no-route'
          ? status('outcome.unreachable')
          : status(`outcome.${r}`);
  return (
    <span className="flex flex-wrap items-center gap-2">
      <StatusBadge meta={PORT_STATUS_META[cell.status]} label={status(`port.${cell.status}`)} />
      <span className="text-xs text-zinc-700 dark:text-zinc-300">{words}</span>
    </span>
  );
}

/**
 * One check run from several vantages: each vantage's report linked, the ports side by side, and
 * the findings where they disagree (lib/verdict/compare-vantages.ts decides those).
 */
export function VantageComparison({ links, comparison, currentId }: { links: VantageLink[]; comparison?: Comparison; currentId: string }) {
  const t = useTranslations('report.vantages');
  const status = useTranslations('status');
  return (
    <Section id="vantages" title={t('title')} description={t('text')}>
      <ul className="mb-4 flex flex-wrap gap-2 text-sm">
        {links.map((l) => (
          <li key={l.id}>
            {l.id === currentId ? (
              <span className="rounded bg-zinc-100 px-2 py-1 font-medium dark:bg-zinc-800">{t('this', { vantage: l.vantage })}</span>
            ) : (
              <Link href={l.href} className="text-sky-700 underline-offset-2 hover:underline dark:text-sky-400">
                {t('from', { vantage: l.vantage })}
              </Link>
            )}
            {l.status === 'done' ? null : <span className="ml-1 text-xs text-zinc-600 dark:text-zinc-400">({t(`state.${l.status}`)})</span>}
          </li>
        ))}
      </ul>
      {comparison ? (
        <div className="space-y-6">
          <div className="overflow-x-auto">
            <table className="w-full text-left text-sm">
              <caption className="sr-only">{t('caption')}</caption>
              <thead>
                <tr className="border-b border-zinc-200 dark:border-zinc-800">
                  <th scope="col" className="py-2 pr-4 font-semibold">{t('where')}</th>
                  {comparison.vantages.map((v) => (
                    <th key={v} scope="col" className="py-2 pr-4 font-semibold">{v}</th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {comparison.rows.map((row) => (
                  <tr key={`${row.host}|${row.address}|${row.port}`} className="border-b border-zinc-100 dark:border-zinc-800/60">
                    <th scope="row" className="py-2 pr-4 font-mono text-xs font-normal">
                      {row.host} · {row.address} · {row.port}
                    </th>
                    {comparison.vantages.map((v) => (
                      <td key={v} className="py-2 pr-4">
                        <Reading cell={row.cells[v]} />
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {comparison.findings.length > 0 ? <FindingsList findings={comparison.findings} /> : <p className="text-sm">{t('same')}</p>}
        </div>
      ) : (
        <p className="text-sm text-zinc-600 dark:text-zinc-400">{t('waiting')}</p>
      )}
    </Section>
  );
}
