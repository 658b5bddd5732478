import { useTranslations } from 'next-intl';
import type { CheckResult } from '@/lib/probe/schema';
import { StatusBadge } from '@/components/ui/badge';
import { buttonSecondary } from '@/components/ui/button-styles';
import { CopyButton } from '@/components/ui/copy-button';
import { useFormatters } from '@/lib/i18n/use-i18n';
import { VERDICT_META } from '@/lib/report/status';
import { EmbedDialog } from './embed-dialog';
import { ExportMenu } from './export-menu';
import { RunAgainButton } from './run-again-button';

export function ReportHeader({ result, permalink, checkId }: { result: CheckResult; permalink?: string; checkId?: string }) {
  const { target, summary } = result;
  const t = useTranslations('report');
  const status = useTranslations('status');
  const f = useFormatters();
  const verdict = { ...VERDICT_META[summary.verdict], label: status(`verdict.${summary.verdict}`) };
  const c = summary.counts;
  return (
    <header className="flex flex-col gap-4 md:flex-row md:items-start md:justify-between">
      <div className="min-w-0">
        <p className="text-sm font-medium text-zinc-600 dark:text-zinc-400">
          {target.mode === 'host' ? t('kickerHost') : t('kickerDomain')}
        </p>
        <h1 className="mt-0.5 text-2xl font-semibold tracking-tight break-all sm:text-3xl">{target.displayDomain}</h1>
        {target.displayDomain !== target.domain ? <p className="font-mono text-xs text-zinc-500 dark:text-zinc-400">{target.domain}</p> : null}
        <div className="mt-3 flex flex-wrap items-center gap-3">
          <StatusBadge meta={verdict} size="lg" />
          <p className="text-sm text-zinc-700 dark:text-zinc-300">
            {result.probes.length ? t(`verdictLine.${summary.verdict}`) : t('nothingProbed')}
          </p>
        </div>
        <p className="mt-3 text-sm text-zinc-600 dark:text-zinc-400">
          {t.rich('checkedAt', {
            time: (chunks) => <time dateTime={result.startedAt}>{chunks}</time>,
            date: f.dateTime(result.startedAt),
            duration: f.ms(result.durationMs),
          })}
          {c.probes > 0 ? t('counts', { hosts: c.hosts, addresses: c.addresses, answered: c.answered, probes: c.probes }) : ''}
        </p>
        {result.incomplete ? (
          <p className="mt-2 text-sm font-medium text-amber-800 dark:text-amber-300">
            {t('incomplete')}
          </p>
        ) : null}
      </div>
      <div className="flex flex-wrap items-start gap-2 lg:shrink-0 lg:flex-nowrap print:hidden">
        {permalink ? <CopyButton value={permalink} absolute label={t('copyLink')} className={buttonSecondary} /> : null}
        {checkId ? <EmbedDialog checkId={checkId} target={target} /> : null}
        {checkId ? <ExportMenu checkId={checkId} /> : null}
        <RunAgainButton domain={target.domain} mode={target.mode} currentId={checkId} />
      </div>
    </header>
  );
}
