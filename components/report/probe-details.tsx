import { useTranslations } from 'next-intl';
import type { PortProbe } from '@/lib/probe/schema';
import { useFormatters } from '@/lib/i18n/use-i18n';
import { compareCapabilities } from '@/lib/report/capabilities';
import { TlsMatrixTable } from './tls-matrix';

function Mark({ on, stage }: { on: string[] | null; stage: string }) {
  const t = useTranslations('probe');
  return on ? (
    <td className="px-1 text-center text-emerald-700 dark:text-emerald-400">
      <span aria-hidden="true">✓</span>
      <span className="sr-only">{t('offered', { stage })}</span>
    </td>
  ) : (
    <td className="px-1 text-center text-zinc-500 dark:text-zinc-400">
      <span aria-hidden="true">–</span>
      <span className="sr-only">{t('notOffered', { stage })}</span>
    </td>
  );
}

/** Capabilities as one table: a row per keyword, a column per stage (before and after TLS). */
function CapabilityTable({ probe }: { probe: PortProbe }) {
  const t = useTranslations('probe');
  const implicit = probe.port === 465;
  const rows = compareCapabilities(implicit ? undefined : probe.ehlo?.capabilities, probe.ehloTls?.capabilities);
  if (!probe.ehlo && !probe.ehloTls) return null;
  if (rows.length === 0) return <p className="text-xs text-zinc-500 dark:text-zinc-400">{t('noExtensions')}</p>;
  return (
    <table className="w-full text-xs">
      <caption className="mb-1 text-left text-xs font-semibold tracking-wide text-zinc-500 uppercase dark:text-zinc-400">
        {implicit ? t('caption') : t('captionBoth')}
      </caption>
      <thead className="text-[11px] text-zinc-500 dark:text-zinc-400">
        <tr>
          <th scope="col" className="py-0.5 text-left font-medium">
            {t('extension')}
          </th>
          {implicit ? null : (
            <th scope="col" className="px-1 font-medium">
              {t('before')}
              <span className="sr-only">{t('tlsSr')}</span>
            </th>
          )}
          <th scope="col" className="px-1 font-medium">
            {implicit ? t('inTls') : t('after')}
            {implicit ? null : <span className="sr-only">{t('tlsSr')}</span>}
          </th>
        </tr>
      </thead>
      <tbody className="font-mono">
        {rows.map((r) => {
          const params = (r.after ?? r.before ?? []).join(' ');
          const danger = r.keyword === 'AUTH' && r.before !== null && !implicit;
          return (
            <tr key={r.keyword} className="border-t border-zinc-100 align-top dark:border-zinc-800">
              <th scope="row" className={`py-0.5 text-left font-normal [overflow-wrap:anywhere] ${danger ? 'font-semibold text-red-800 dark:text-red-300' : ''}`}>
                {r.keyword}{' '}
                {params ? <span className="block text-zinc-500 dark:text-zinc-400">{params}</span> : null}
              </th>
              {implicit ? null : <Mark on={r.before} stage={t('beforeTls')} />}
              <Mark on={r.after} stage={implicit ? t('inTlsStage') : t('afterTls')} />
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

const DIR: Record<PortProbe['transcript'][number]['dir'], { mark: string; cls: string }> = {
  c: { mark: 'C:', cls: 'text-indigo-700 dark:text-indigo-300' },
  s: { mark: 'S:', cls: 'text-zinc-900 dark:text-zinc-100' },
  i: { mark: '* ', cls: 'text-zinc-500 italic dark:text-zinc-400' },
};

/** What a cell expands to: timings, EHLO capabilities before/after TLS, the transcript. */
export function ProbeDetails({ probe }: { probe: PortProbe }) {
  const words = useTranslations('probe');
  const f = useFormatters();
  const t = probe.timings;
  const timings: [string, number | undefined][] = [
    [words('timing.connect'), t.connectMs],
    [words('timing.greeting'), t.greetingMs],
    [words('timing.ehlo'), t.ehloMs],
    [words('timing.tls'), t.tlsMs],
    [words('timing.ehloTls'), t.ehloTlsMs],
    [words('timing.total'), t.totalMs],
  ];
  return (
    <div className="mt-2 space-y-3 border-t border-zinc-200 pt-2 dark:border-zinc-700">
      <p className="text-xs text-zinc-600 dark:text-zinc-400">
        {timings
          .filter((x): x is [string, number] => x[1] !== undefined)
          .map(([k, v]) => `${k} ${f.ms(v)}`)
          .join(' · ')}
      </p>
      <CapabilityTable probe={probe} />
      {probe.tlsMatrix ? <TlsMatrixTable matrix={probe.tlsMatrix} /> : null}
      {probe.errorMessage ? <p className="text-xs break-words text-zinc-700 dark:text-zinc-300">{probe.errorMessage}</p> : null}
      <div>
        <h4 className="text-xs font-semibold tracking-wide text-zinc-500 uppercase dark:text-zinc-400">{words('transcript')}</h4>
        <p className="sr-only">{words('timesNote')}</p>
        {/* Lines wrap instead of scrolling sideways: in a table cell a sideways scroll hides most of each reply. */}
        <ol className="mt-1 max-h-80 overflow-y-auto rounded-md bg-zinc-50 p-2 font-mono text-[11px] leading-snug dark:bg-zinc-950">
          {probe.transcript.map((e, i) => (
            <li key={i} className={`flex gap-1.5 ${DIR[e.dir].cls}`}>
              <span className="w-8 shrink-0 text-right text-zinc-500 tabular-nums select-none dark:text-zinc-400 dark:text-zinc-400">{Math.round(e.t)}</span>
              <span className="shrink-0 select-none" aria-hidden="true">
                {DIR[e.dir].mark}
              </span>
              <span className="sr-only">{words(`dir.${e.dir}`)}: </span>
              <span className="min-w-0 whitespace-pre-wrap [overflow-wrap:anywhere]">{e.text}</span>
            </li>
          ))}
          {probe.transcriptTruncated ? <li className="text-zinc-500 italic dark:text-zinc-400">{words('truncated')}</li> : null}
        </ol>
      </div>
    </div>
  );
}
