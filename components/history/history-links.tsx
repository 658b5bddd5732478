import Link from 'next/link';
import { getTranslations } from 'next-intl/server';
import { getCheckQueries } from '@/lib/checks/get-runner';
import { Link as LocaleLink } from '@/lib/i18n/navigation';

/** On a permalink: the domain's history, and "compare with previous" when an earlier finished check exists. */
export async function HistoryLinks({ check }: { check: { id: string; domain: string; createdAt: number } }) {
  const previous = await (await getCheckQueries()).previousDone(check);
  const base = `/domain/${encodeURIComponent(check.domain)}`;
  const tm = await getTranslations('monitors');
  return (
    <nav aria-label="History" className="mb-4 flex flex-wrap gap-x-4 gap-y-1 text-sm print:hidden">
      <Link href={base} className="text-sky-700 underline-offset-2 hover:underline dark:text-sky-400">
        History of this domain
      </Link>
      {previous ? (
        <Link href={`${base}/compare?from=${previous.id}&to=${check.id}`} className="text-sky-700 underline-offset-2 hover:underline dark:text-sky-400">
          Compare with previous check
        </Link>
      ) : null}
      <LocaleLink href={`/monitors/new?domain=${encodeURIComponent(check.domain)}`} className="text-sky-700 underline-offset-2 hover:underline dark:text-sky-400">
        {tm('monitorThisDomain')}
      </LocaleLink>
    </nav>
  );
}
