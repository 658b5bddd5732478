import { useTranslations } from 'next-intl';
import { useAddressLabel } from './address-label';
import { PORTS, type Port } from '@/lib/probe/schema';
import { useFormatters } from '@/lib/i18n/use-i18n';
import { StatusBadge } from '@/components/ui/badge';
import { Icon } from '@/components/ui/icon';
import { formatMs } from '@/lib/report/format';
import { liveRowsByAddress, rowElapsed, type LiveRow } from '@/lib/report/live-state';
import { PORT_STATUS_META, type StatusMeta } from '@/lib/report/status';
import { label } from '@/lib/verdict/labels';
import { say, type Translate } from '@/lib/i18n/msg';
import { describeProbe, liveProbeStatus } from '@/lib/verdict/probe-view';
import { PortColumnsRow } from './port-columns-row';

/** Neutral on purpose: whether a finished session was good is only known once findings arrive. */
const DONE_META: StatusMeta = { label: label('live.done'), icon: 'check', tone: 'muted' };

/** After this long in one stage a row says so: a tarpitting server should look stuck, not broken. */
const SLOW_STAGE_MS = 3_000;

function LiveCell({ row, now }: { row: LiveRow; now: number | null }) {
  const t = useTranslations('live');
  const status = useTranslations('status');
  const words = useTranslations() as unknown as Translate;
  const f = useFormatters();
  const formatMs = f.ms;
  if (row.probe) {
    // Findings arrive with the final result; until then the outcome alone decides the badge.
    const v = describeProbe(row.probe, []);
    const live = liveProbeStatus(row.probe);
    return (
      <div className="flex flex-wrap items-center gap-x-2 gap-y-1">
        <StatusBadge
          meta={live === 'done' ? DONE_META : PORT_STATUS_META[live]}
          label={live === 'done' ? t('done') : status(`port.${live}`)}
        />
        <span className="text-sm font-medium">
          {row.probe.encryption === 'starttls' || row.probe.encryption === 'implicit-tls' || (row.probe.outcome === 'success' && row.probe.encryption === 'none')
            ? status(`encryption.${row.probe.encryption}`)
            : status(`outcome.${row.probe.outcome}`)}
          {v.tlsVersion ? <span className="font-normal text-zinc-600 dark:text-zinc-400"> · {v.tlsVersion}</span> : null}
        </span>
        <span className="w-full text-xs text-zinc-500 tabular-nums dark:text-zinc-400">{formatMs(row.probe.timings.totalMs)}</span>
      </div>
    );
  }
  const inStage = now === null ? 0 : now - row.stageSince;
  const slow = inStage >= SLOW_STAGE_MS;
  return (
    <div>
      <p className="flex items-center gap-1.5 text-sm font-medium">
        <span aria-hidden="true" className="relative flex size-2.5">
          <span className="absolute inline-flex size-full animate-ping rounded-full bg-indigo-400 opacity-60" />
          <span className="relative inline-flex size-2.5 rounded-full bg-indigo-500" />
        </span>
        {status(`stage.${row.stage}`)}…
      </p>
      <p className={`mt-0.5 flex items-center gap-1 text-xs tabular-nums ${slow ? 'font-medium text-amber-800 dark:text-amber-300' : 'text-zinc-500 dark:text-zinc-400'}`}>
        {now === null ? null : (
          <>
            {slow ? <Icon name="clock" className="size-3.5" /> : null}
            {formatMs(rowElapsed(row, now))}
            {slow ? t('stillWaiting') : ''}
          </>
        )}
      </p>
      {row.steps.length ? (
        <p className="mt-1 text-[11px] text-zinc-500 dark:text-zinc-400">
          {row.steps.map((s) => `${say(words, s.label)}${s.ok === false ? t('untrusted') : ''} ${formatMs(s.ms)}`).join(' → ')}
        </p>
      ) : null}
    </div>
  );
}

/** The table while probes run: same grid as the final one, each cell showing its stage. */
export function LiveTable({ rows, now }: { rows: LiveRow[]; now: number | null }) {
  const t = useTranslations('live');
  const addr = useAddressLabel();
  const lines = liveRowsByAddress(rows);
  return (
    <div className="md:overflow-x-auto md:rounded-xl md:border md:border-zinc-200 md:bg-white md:dark:border-zinc-800 md:dark:bg-zinc-900">
      <table role="table" className="w-full border-collapse text-sm max-md:block md:min-w-[48rem] md:table-fixed">
        <caption className="sr-only">{t('caption')}</caption>
        <thead role="rowgroup" className="max-md:hidden">
          <PortColumnsRow />
        </thead>
        <tbody role="rowgroup" className="max-md:block max-md:space-y-4">
          {lines.map((line) => (
            <tr
              key={`${line.host}|${line.address}`}
              role="row"
              className="border-b border-zinc-200 last:border-b-0 max-md:block max-md:overflow-hidden max-md:rounded-xl max-md:border max-md:bg-white dark:border-zinc-800 max-md:dark:bg-zinc-900"
            >
              <th scope="row" role="rowheader" className="px-3 py-3 text-left align-top font-normal max-md:block">
                <span className="block font-semibold break-words">{line.host}</span>
                <span className="mt-0.5 block font-mono text-xs break-all text-zinc-600 dark:text-zinc-400">{addr(line.address)}</span>
                <span className="mt-1 inline-block rounded bg-zinc-100 px-1.5 py-0.5 text-[11px] text-zinc-600 dark:bg-zinc-800 dark:text-zinc-400">
                  IPv{line.family}
                </span>
              </th>
              {PORTS.map((port: Port) => {
                const row = line.cells.get(port);
                return (
                  <td
                    key={port}
                    role="cell"
                    className="px-3 py-3 align-top max-md:block max-md:border-t max-md:border-zinc-100 md:border-l md:border-zinc-100 max-md:dark:border-zinc-800 md:dark:border-zinc-800"
                  >
                    <p className="mb-1 text-xs font-semibold text-zinc-500 md:hidden dark:text-zinc-400">{t('port', { port })}</p>
                    {row ? <LiveCell row={row} now={now} /> : <span className="text-xs text-zinc-500 dark:text-zinc-400">{t('notPlanned')}</span>}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
