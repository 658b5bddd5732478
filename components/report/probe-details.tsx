import type { PortProbe } from '@/lib/probe/schema';
import { compareCapabilities } from '@/lib/report/capabilities';
import { formatMs } from '@/lib/report/format';

function Mark({ on, stage }: { on: string[] | null; stage: string }) {
  return on ? (
    <td className="px-1 text-center text-emerald-700 dark:text-emerald-400">
      <span aria-hidden="true">✓</span>
      <span className="sr-only">offered {stage}</span>
    </td>
  ) : (
    <td className="px-1 text-center text-zinc-500 dark:text-zinc-400">
      <span aria-hidden="true">–</span>
      <span className="sr-only">not offered {stage}</span>
    </td>
  );
}

/** Capabilities as one table: a row per keyword, a column per stage (before and after TLS). */
function CapabilityTable({ probe }: { probe: PortProbe }) {
  const implicit = probe.port === 465;
  const rows = compareCapabilities(implicit ? undefined : probe.ehlo?.capabilities, probe.ehloTls?.capabilities);
  if (!probe.ehlo && !probe.ehloTls) return null;
  if (rows.length === 0) return <p className="text-xs text-zinc-500 dark:text-zinc-400">No ESMTP extensions announced.</p>;
  return (
    <table className="w-full text-xs">
      <caption className="mb-1 text-left text-xs font-semibold tracking-wide text-zinc-500 uppercase dark:text-zinc-400">
        EHLO capabilities{implicit ? '' : ', before and after TLS'}
      </caption>
      <thead className="text-[11px] text-zinc-500 dark:text-zinc-400">
        <tr>
          <th scope="col" className="py-0.5 text-left font-medium">
            Extension
          </th>
          {implicit ? null : (
            <th scope="col" className="px-1 font-medium">
              Before<span className="sr-only"> TLS</span>
            </th>
          )}
          <th scope="col" className="px-1 font-medium">
            {implicit ? 'In TLS' : 'After'}
            {implicit ? null : <span className="sr-only"> TLS</span>}
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
              {implicit ? null : <Mark on={r.before} stage="before TLS" />}
              <Mark on={r.after} stage={implicit ? 'in TLS' : 'after TLS'} />
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

const DIR: Record<PortProbe['transcript'][number]['dir'], { mark: string; label: string; cls: string }> = {
  c: { mark: 'C:', label: 'mxray sent', cls: 'text-indigo-700 dark:text-indigo-300' },
  s: { mark: 'S:', label: 'server sent', cls: 'text-zinc-900 dark:text-zinc-100' },
  i: { mark: '* ', label: 'note', cls: 'text-zinc-500 italic dark:text-zinc-400' },
};

/** What a cell expands to: timings, EHLO capabilities before/after TLS, the transcript. */
export function ProbeDetails({ probe }: { probe: PortProbe }) {
  const t = probe.timings;
  const timings: [string, number | undefined][] = [
    ['connect', t.connectMs],
    ['greeting', t.greetingMs],
    ['EHLO', t.ehloMs],
    ['TLS', t.tlsMs],
    ['EHLO after TLS', t.ehloTlsMs],
    ['total', t.totalMs],
  ];
  return (
    <div className="mt-2 space-y-3 border-t border-zinc-200 pt-2 dark:border-zinc-700">
      <p className="text-xs text-zinc-600 dark:text-zinc-400">
        {timings
          .filter((x): x is [string, number] => x[1] !== undefined)
          .map(([k, v]) => `${k} ${formatMs(v)}`)
          .join(' · ')}
      </p>
      <CapabilityTable probe={probe} />
      {probe.errorMessage ? <p className="text-xs break-words text-zinc-700 dark:text-zinc-300">{probe.errorMessage}</p> : null}
      <div>
        <h4 className="text-xs font-semibold tracking-wide text-zinc-500 uppercase dark:text-zinc-400">Transcript</h4>
        <p className="sr-only">Times in milliseconds since the connection attempt.</p>
        {/* Lines wrap instead of scrolling sideways: in a table cell a sideways scroll hides most of each reply. */}
        <ol className="mt-1 max-h-80 overflow-y-auto rounded-md bg-zinc-50 p-2 font-mono text-[11px] leading-snug dark:bg-zinc-950">
          {probe.transcript.map((e, i) => (
            <li key={i} className={`flex gap-1.5 ${DIR[e.dir].cls}`}>
              <span className="w-8 shrink-0 text-right text-zinc-500 tabular-nums select-none dark:text-zinc-400 dark:text-zinc-400">{Math.round(e.t)}</span>
              <span className="shrink-0 select-none" aria-hidden="true">
                {DIR[e.dir].mark}
              </span>
              <span className="sr-only">{DIR[e.dir].label}: </span>
              <span className="min-w-0 whitespace-pre-wrap [overflow-wrap:anywhere]">{e.text}</span>
            </li>
          ))}
          {probe.transcriptTruncated ? <li className="text-zinc-500 italic dark:text-zinc-400">… transcript truncated</li> : null}
        </ol>
      </div>
    </div>
  );
}
