import { useTranslations } from 'next-intl';
import { useAddressLabel } from './address-label';
import { PORTS, type CheckResult, type Port, type PortProbe } from '@/lib/probe/schema';
import { useFormatters } from '@/lib/i18n/use-i18n';
import { StatusBadge } from '@/components/ui/badge';
import { Icon } from '@/components/ui/icon';
import { cellStop, describeProbe, phaseShown } from '@/lib/verdict/probe-view';
import { formatMs } from '@/lib/report/format';
import { portLegend } from '@/lib/report/port-legend';
import { PORT_STATUS_META, SEVERITY_META } from '@/lib/report/status';
import { TONE_TEXT } from '@/components/ui/tone';
import { tableRows, type TableRow } from '@/lib/report/table-rows';
import { ProbeDetails } from './probe-details';
import { PortColumnsRow } from './port-columns-row';

/*
 * Wide screens: a real table (rows = host + address, columns = ports, headers with scope).
 * Below the md breakpoint every row becomes a card and every cell names its own port, since the
 * column headers are hidden; explicit ARIA roles keep the table semantics when `display` changes.
 */
const stack = 'max-md:block';

function CellPortLabel({ port }: { port: Port }) {
  const t = useTranslations();
  return (
    <p className="mb-1.5 text-xs font-semibold text-zinc-500 md:hidden dark:text-zinc-400">
      {t('report.table.portName', { port, name: t(`ports.${port}.name`) })}
    </p>
  );
}

function Line({ label, children, warn }: { label: string; children: React.ReactNode; warn?: boolean }) {
  return (
    <p className={`text-xs ${warn ? 'font-medium text-red-800 dark:text-red-300' : 'text-zinc-700 dark:text-zinc-300'}`}>
      <span className={warn ? undefined : 'text-zinc-500 dark:text-zinc-400'}>{label}: </span>
      {children}
    </p>
  );
}

/** The cell's stop reason (lib/verdict/probe-view.ts cellStop), an SMTP reply worded by the page. */
function cellStopText(probe: PortProbe, t: (key: 'replyCode', values: { code: number }) => string): string | null {
  const stop = cellStop(probe);
  if (!stop) return null;
  return 'reply' in stop ? t('replyCode', { code: stop.reply }) : stop.code;
}

function ProbeCell({ probe, findings }: { probe: PortProbe; findings: CheckResult['findings'] }) {
  const t = useTranslations('report.table');
  const status = useTranslations('status');
  const f = useFormatters();
  const addr = useAddressLabel();
  const v = describeProbe(probe, findings);
  const encrypted = probe.encryption === 'starttls' || probe.encryption === 'implicit-tls';
  // The same choice describeProbe makes for its English headline, worded here by code.
  const headline = encrypted || (probe.outcome === 'success' && probe.encryption === 'none')
    ? status(`encryption.${probe.encryption}`)
    : status(`outcome.${probe.outcome}`);
  const reason = probe.outcome === 'success'
    ? undefined
    : [
        phaseShown(probe) ? t('during', { phase: status(`phase.${probe.phase}`) }) : null,
        cellStopText(probe, t),
      ].filter(Boolean).join(' · ') || undefined;
  // Findings name themselves in the cell, except AUTH before TLS (its own line below) and
  // "could not test" ones, which the headline already says.
  const problems = [...new Map(
    v.findings
      .filter((f) => f.severity !== 'ok' && !f.untested && f.code !== 'auth.before-tls')
      .map((f) => [f.code, f]),
  ).values()];
  return (
    <>
      <div className="flex flex-wrap items-center gap-x-2 gap-y-1">
        <StatusBadge meta={PORT_STATUS_META[v.status]} label={status(`port.${v.status}`)} />
        <span className="font-medium">
          {headline}
          {v.tlsVersion ? <span className="font-normal text-zinc-600 dark:text-zinc-400"> · {v.tlsVersion}</span> : null}
        </span>
      </div>
      <div className="mt-1.5 space-y-0.5">
        {reason ? <p className="text-xs text-zinc-600 dark:text-zinc-400">{reason}</p> : null}
        {problems.map((finding) => (
          <p key={finding.code} className={`flex items-start gap-1 text-xs font-medium ${TONE_TEXT[SEVERITY_META[finding.severity].tone]}`}>
            <Icon name={SEVERITY_META[finding.severity].icon} className="mt-px size-3.5" />
            <span>
              <span className="sr-only">{status(`severity.${finding.severity}`)}: </span>
              {f.finding(finding.code, finding.params).title}
            </span>
          </p>
        ))}
        {v.auth ? (
          v.auth.beforeTls ? (
            <Line label={t('auth')} warn>
              <Icon name="warning" className="mr-0.5 inline size-3.5 align-[-2px]" />
              {t('authBefore', { mechanisms: v.auth.mechanisms.join(' ') })}
            </Line>
          ) : (
            <Line label={t('auth')}>{v.auth.mechanisms.length ? t('authAfter', { mechanisms: v.auth.mechanisms.join(' ') }) : t('authNone')}</Line>
          )
        ) : null}
        {v.greetingMs !== undefined ? <Line label={t('greeting')}>{f.ms(v.greetingMs)}</Line> : null}
        {v.reachable ? <Line label={t('downgrade')}>{status(`downgrade.${v.downgrade}`)}</Line> : null}
      </div>
      <details className="group mt-2">
        <summary className="inline-flex items-center gap-1 text-xs font-medium text-indigo-700 hover:underline dark:text-indigo-300">
          <Icon name="chevron" className="details-chevron size-3.5 transition-transform" />
          {v.reachable ? t('details') : t('transcript')}
          <span className="sr-only"> {t('detailsFor', { address: addr(probe.address), port: probe.port })}</span>
        </summary>
        <ProbeDetails probe={probe} />
      </details>
    </>
  );
}

function RowHeader({ row }: { row: TableRow }) {
  const addr = useAddressLabel();
  return (
    <th
      scope="row"
      role="rowheader"
      className={`${stack} px-3 py-3 text-left align-top font-normal md:sticky md:left-0 md:z-10 md:bg-white md:dark:bg-zinc-900`}
    >
      <span className="block font-semibold break-words">{row.displayHost}</span>
      {row.address ? (
        <span className="mt-0.5 block font-mono text-xs break-all text-zinc-600 dark:text-zinc-400">{addr(row.address)}</span>
      ) : null}
      <span className="mt-1 flex flex-wrap gap-1 text-[11px] text-zinc-600 dark:text-zinc-400">
        {row.family ? <span className="rounded bg-zinc-100 px-1.5 py-0.5 dark:bg-zinc-800">IPv{row.family}</span> : null}
        {row.preference !== undefined ? (
          <span className="rounded bg-zinc-100 px-1.5 py-0.5 dark:bg-zinc-800">MX {row.preference}</span>
        ) : null}
      </span>
    </th>
  );
}

export function PortTable({ result }: { result: CheckResult }) {
  const t = useTranslations();
  const rows = tableRows(result);
  if (rows.length === 0) {
    return <p className="text-sm text-zinc-600 dark:text-zinc-400">{t('report.table.nothingTested')}</p>;
  }
  return (
    <div className="md:overflow-x-auto md:rounded-xl md:border md:border-zinc-200 md:bg-white md:dark:border-zinc-800 md:dark:bg-zinc-900">
      <table role="table" className={`${stack} w-full border-collapse text-sm md:min-w-[56rem] md:table-fixed`}>
        <caption className="sr-only">{t('report.table.caption')}</caption>
        <thead role="rowgroup" className="max-md:hidden">
          <PortColumnsRow cellClassName="align-top" />
          <tr role="row" className="border-b border-zinc-200 bg-zinc-50 text-xs text-zinc-600 dark:border-zinc-800 dark:bg-zinc-950/40 dark:text-zinc-400">
            <th scope="row" role="rowheader" className="px-3 pb-2.5 text-left align-top font-medium">
              {t('report.table.expected')}
            </th>
            {PORTS.map((port) => {
              const l = portLegend(port);
              return (
                <td key={port} role="cell" className="px-3 pb-2.5 align-top">
                  {l.rfc?.id ?? t('report.table.noRfc')} · {t(`ports.${port}.encryption`)} ·{' '}
                  {l.role === 'relay' ? t('report.table.loginNone') : t('report.table.loginRequired')}
                </td>
              );
            })}
          </tr>
        </thead>
        <tbody role="rowgroup" className={`${stack} max-md:space-y-4`}>
          {rows.map((row) => (
            <tr
              key={row.key}
              role="row"
              className={`${stack} border-b border-zinc-200 last:border-b-0 max-md:overflow-hidden max-md:rounded-xl max-md:border max-md:bg-white dark:border-zinc-800 max-md:dark:bg-zinc-900`}
            >
              <RowHeader row={row} />
              {!row.address ? (
                <td role="cell" colSpan={PORTS.length} className={`${stack} px-3 py-3 align-top text-sm`}>
                  <StatusBadge meta={PORT_STATUS_META.critical} label={t('status.port.critical')} /> {t('report.table.noAddress')}
                </td>
              ) : (
                PORTS.map((port) => {
                  const p = row.probes[port];
                  return (
                    <td
                      key={port}
                      role="cell"
                      className={`${stack} px-3 py-3 align-top max-md:border-t max-md:border-zinc-100 max-md:dark:border-zinc-800 md:border-l md:border-zinc-100 md:dark:border-zinc-800`}
                    >
                      <CellPortLabel port={port} />
                      {p ? (
                        <ProbeCell probe={p} findings={result.findings} />
                      ) : (
                        <StatusBadge meta={PORT_STATUS_META.untested} label={t('report.table.notProbed')} />
                      )}
                    </td>
                  );
                })
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
