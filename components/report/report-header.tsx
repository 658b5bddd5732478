import type { CheckResult } from '@/lib/probe/schema';
import { StatusBadge } from '@/components/ui/badge';
import { buttonSecondary } from '@/components/ui/button-styles';
import { CopyButton } from '@/components/ui/copy-button';
import { formatDateTime, formatMs } from '@/lib/report/format';
import { VERDICT_META } from '@/lib/report/status';
import { EmbedDialog } from './embed-dialog';
import { ExportMenu } from './export-menu';
import { RunAgainButton } from './run-again-button';

const VERDICT_LINE: Record<CheckResult['summary']['verdict'], string> = {
  ok: 'Every server answered as it should.',
  info: 'The servers work; a few notes below.',
  warning: 'The servers work, but some settings need attention.',
  critical: 'At least one problem breaks or exposes mail. Details and fixes below.',
  untested: 'Nothing decisive could be measured (timeouts or refusals). This is not a verdict on the servers.',
};

export function ReportHeader({ result, permalink, checkId }: { result: CheckResult; permalink?: string; checkId?: string }) {
  const { target, summary } = result;
  const verdict = VERDICT_META[summary.verdict];
  const c = summary.counts;
  return (
    <header className="flex flex-col gap-4 md:flex-row md:items-start md:justify-between">
      <div className="min-w-0">
        <p className="text-sm font-medium text-zinc-600 dark:text-zinc-400">
          {target.mode === 'host' ? 'Mail server check (host mode)' : 'Mail servers of'}
        </p>
        <h1 className="mt-0.5 text-2xl font-semibold tracking-tight break-all sm:text-3xl">{target.displayDomain}</h1>
        {target.displayDomain !== target.domain ? <p className="font-mono text-xs text-zinc-500 dark:text-zinc-400">{target.domain}</p> : null}
        <div className="mt-3 flex flex-wrap items-center gap-3">
          <StatusBadge meta={verdict} size="lg" />
          <p className="text-sm text-zinc-700 dark:text-zinc-300">
            {result.probes.length ? VERDICT_LINE[summary.verdict] : 'No mail server was probed: the DNS reading below says why.'}
          </p>
        </div>
        <p className="mt-3 text-sm text-zinc-600 dark:text-zinc-400">
          Checked <time dateTime={result.startedAt}>{formatDateTime(result.startedAt)}</time> · took {formatMs(result.durationMs)}
          {c.probes > 0
            ? ` · ${c.hosts} host${c.hosts === 1 ? '' : 's'}, ${c.addresses} address${c.addresses === 1 ? '' : 'es'}, ${c.answered} of ${c.probes} probes answered`
            : ''}
        </p>
        {result.incomplete ? (
          <p className="mt-2 text-sm font-medium text-amber-800 dark:text-amber-300">
            Incomplete: the check ran out of time or was cancelled before every probe finished.
          </p>
        ) : null}
      </div>
      <div className="flex flex-wrap items-start gap-2 lg:shrink-0 lg:flex-nowrap print:hidden">
        {permalink ? <CopyButton value={permalink} absolute label="Copy link" className={buttonSecondary} /> : null}
        {checkId ? <EmbedDialog checkId={checkId} target={target} /> : null}
        {checkId ? <ExportMenu checkId={checkId} /> : null}
        <RunAgainButton domain={target.domain} mode={target.mode} currentId={checkId} />
      </div>
    </header>
  );
}
