import Link from 'next/link';
import { getCheckQueries } from '@/lib/checks/get-runner';

/** On a permalink: the domain's history, and "compare with previous" when an earlier finished check exists. */
export async function HistoryLinks({ check }: { check: { id: string; domain: string; createdAt: number } }) {
  const previous = await (await getCheckQueries()).previousDone(check);
  const base = `/domain/${encodeURIComponent(check.domain)}`;
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
    </nav>
  );
}
