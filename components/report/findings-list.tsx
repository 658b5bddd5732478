import { useTranslations } from 'next-intl';
import { useAddressLabel } from './address-label';
import type { Finding } from '@/lib/probe/schema';
import { useFormatters } from '@/lib/i18n/use-i18n';
import { StatusBadge } from '@/components/ui/badge';
import { Icon } from '@/components/ui/icon';
import { TONE_BORDER } from '@/components/ui/tone';
import { groupFindings, type FindingItem, type FindingLocation } from '@/lib/report/group-findings';
import { SEVERITY_META } from '@/lib/report/status';


function formatLocation(l: FindingLocation, port: (port: number) => string, addr: (address: string) => string): string {
  return [l.host, l.address !== undefined ? addr(l.address) : undefined, l.port !== undefined ? port(l.port) : undefined].filter(Boolean).join(' · ');
}

function Item({ item }: { item: FindingItem }) {
  const t = useTranslations('report.findings');
  const status = useTranslations('status.severity');
  const addr = useAddressLabel();
  const meta = { ...SEVERITY_META[item.severity], label: status(item.severity) };
  return (
    <li className={`rounded-lg border border-l-4 border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-900 ${TONE_BORDER[meta.tone]}`}>
      <div className="flex flex-wrap items-center gap-2">
        <StatusBadge meta={meta} />
        {item.untested ? (
          <span className="rounded-full bg-zinc-100 px-2 py-0.5 text-xs font-medium text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300">
            {t('couldNotTest')}
          </span>
        ) : null}
        <h4 className="font-semibold">{item.title}</h4>
      </div>
      {item.explanation ? <p className="mt-2 text-sm text-zinc-700 dark:text-zinc-300">{item.explanation}</p> : null}
      {item.fix && item.severity !== 'ok' ? (
        <p className="mt-2 text-sm">
          <span className="font-semibold">{t('fix')}</span>
          {item.fix}
        </p>
      ) : null}
      {item.locations.length ? (
        <p className="mt-2 flex flex-wrap gap-1.5 text-xs">
          <span className="sr-only">{t('seenOn')}</span>
          {item.locations.map((l, i) => (
            <span key={i} className="rounded bg-zinc-100 px-1.5 py-0.5 font-mono text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300">
              {formatLocation(l, (port) => t('port', { port }), addr)}
            </span>
          ))}
        </p>
      ) : null}
    </li>
  );
}

/** Findings by severity, worst first; passed checks folded away since they are many and quiet. */
export function FindingsList({ findings }: { findings: Finding[] }) {
  const t = useTranslations('report.findings');
  const f = useFormatters();
  const groups = groupFindings(findings, f.finding);
  if (groups.length === 0) return <p className="text-sm text-zinc-600 dark:text-zinc-400">{t('nothing')}</p>;
  const problems = groups.some((g) => g.severity !== 'ok');
  return (
    <div className="space-y-6">
      {problems ? null : (
        <p className="flex items-center gap-2 text-sm font-medium text-emerald-800 dark:text-emerald-300">
          <Icon name="check" className="size-4" />
          {t('noProblems')}
        </p>
      )}
      {groups.map((g) => {
        const heading = t(`groups.${g.severity}`, { count: g.items.length });
        const list = (
          <ul className="mt-2 space-y-3">
            {g.items.map((item, i) => (
              <Item key={`${item.code}-${i}`} item={item} />
            ))}
          </ul>
        );
        return g.severity === 'ok' ? (
          <details key={g.severity}>
            <summary className="inline-flex items-center gap-1 text-base font-semibold">
              <span aria-hidden="true" className="details-chevron inline-block transition-transform">›</span>
              {heading}
            </summary>
            {list}
          </details>
        ) : (
          <div key={g.severity}>
            <h3 className="text-base font-semibold">{heading}</h3>
            {list}
          </div>
        );
      })}
    </div>
  );
}
