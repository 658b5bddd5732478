import { getTranslations } from 'next-intl/server';
import { getCheckQueries } from '@/lib/checks/get-runner';
import { Link } from '@/lib/i18n/navigation';

/** On a permalink: the domain's history, and "compare with previous" when an earlier finished check exists. */
export async function HistoryLinks({ check }: { check: { id: string; domain: string; createdAt: number } }) {
  const t = await getTranslations('history');
  const previous = await (await getCheckQueries()).previousDone(check);
  const base = `/domain/${encodeURIComponent(check.domain)}`;
  const tm = await getTranslations('monitors');
  return (
    <nav aria-label={t('nav')} className="mb-4 flex flex-wrap gap-x-4 gap-y-1 text-sm print:hidden">
      <Link href={base} className="text-sky-700 underline-offset-2 hover:underline dark:text-sky-400">
        {t('historyLink')}
      </Link>
      {previous ? (
        <Link href={`${base}/compare?from=${previous.id}&to=${check.id}`} className="text-sky-700 underline-offset-2 hover:underline dark:text-sky-400">
          {t('compareLink')}
        </Link>
      ) : null}
      <Link href={`/monitors/new?domain=${encodeURIComponent(check.domain)}`} className="text-sky-700 underline-offset-2 hover:underline dark:text-sky-400">
        {tm('monitorThisDomain')}
      </Link>
    </nav>
  );
}
