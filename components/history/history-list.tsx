import { useTranslations } from 'next-intl';
import { StatusBadge } from '@/components/ui/badge';
import { Card } from '@/components/ui/card';
import type { HistoryEntry } from '@/lib/history/schemas';
import { Link } from '@/lib/i18n/navigation';
import { useFormatters } from '@/lib/i18n/use-i18n';
import { PORT_STATUS_META, VERDICT_META } from '@/lib/report/status';

/**
 * A domain's checks, newest first: verdict, duration, the four ports (answered of probed), the
 * certificate expiry per MX, a link to the permalink and to the comparison with the check before.
 */
export function HistoryList({ domain, displayDomain, checks }: { domain: string; displayDomain?: string; checks: readonly HistoryEntry[] }) {
  const t = useTranslations('history');
  const status = useTranslations('status');
  const f = useFormatters();
  const done = checks.filter((c) => c.status === 'done');
  return (
    <Card>
      <ol className="divide-y divide-zinc-200 dark:divide-zinc-800" data-testid="history-list" aria-label={t('list', { domain: displayDomain ?? domain })}>
        {checks.map((c) => {
          const previous = c.status === 'done' ? done[done.indexOf(c) + 1] : undefined;
          return (
            <li key={c.id} className="flex flex-col gap-2 px-4 py-3 md:flex-row md:flex-wrap md:items-center md:gap-x-4">
              <div className="flex min-w-0 flex-wrap items-center gap-2 md:w-72 md:shrink-0">
                {c.verdict ? (
                  <StatusBadge meta={VERDICT_META[c.verdict]} label={status(`verdict.${c.verdict}`)} />
                ) : (
                  <StatusBadge meta={{ label: t(`state.${c.status}`), icon: 'minus', tone: 'muted' }} />
                )}
                <Link href={`/check/${c.id}`} className="text-sm font-medium text-sky-700 underline-offset-2 hover:underline dark:text-sky-400">
                  <time dateTime={c.createdAt}>{f.dateTime(c.createdAt)}</time>
                </Link>
                {c.durationMs !== null ? <span className="text-xs text-zinc-600 dark:text-zinc-400">{f.ms(c.durationMs)}</span> : null}
              </div>
              <ul className="flex flex-wrap gap-1.5" aria-label={t('ports')}>
                {c.ports.map((p) => (
                  <li key={p.port}>
                    <StatusBadge
                      meta={PORT_STATUS_META[p.status]}
                      label={t('portCell', { port: p.port, answered: p.answered, probed: p.probed, status: status(`port.${p.status}`) })}
                    />
                  </li>
                ))}
              </ul>
              <ul className="flex min-w-0 flex-col text-xs text-zinc-600 md:min-w-56 md:flex-1 dark:text-zinc-400" aria-label={t('certExpiry')}>
                {c.certificates.map((cert) => (
                  <li key={cert.host} className="wrap-anywhere">
                    {t('certLine', { host: cert.host, date: f.date(cert.notAfter), days: cert.daysLeft })}
                  </li>
                ))}
              </ul>
              {previous ? (
                <Link
                  href={`/domain/${encodeURIComponent(domain)}/compare?from=${previous.id}&to=${c.id}`}
                  className="text-sm text-sky-700 underline-offset-2 hover:underline md:ml-auto md:shrink-0 dark:text-sky-400"
                >
                  {t('changesSince')}
                </Link>
              ) : null}
            </li>
          );
        })}
      </ol>
    </Card>
  );
}
