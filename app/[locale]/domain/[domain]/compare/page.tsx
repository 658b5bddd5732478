// GET /domain/:domain/compare?from=<id>&to=<id> – what changed between two checks, as a readable
// change list (the same lib/history comparison the JSON API answers with).
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { connection } from 'next/server';
import { ChangeList } from '@/components/history/change-list';
import { StatusBadge } from '@/components/ui/badge';
import { getCheckQueries } from '@/lib/checks/get-runner';
import { domainFromParam } from '@/lib/history/domain-param';
import { formatDateTime } from '@/lib/report/format';
import { VERDICT_META } from '@/lib/report/status';
import { isCheckId } from '@/lib/store/check-id';

export const metadata: Metadata = { title: 'What changed', robots: { index: false, follow: false } };

export default async function ComparePage({
  params,
  searchParams,
}: {
  params: Promise<{ domain: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await connection();
  const [{ domain: raw }, query] = await Promise.all([params, searchParams]);
  const domain = domainFromParam(raw);
  const from = typeof query.from === 'string' ? query.from : '';
  const to = typeof query.to === 'string' ? query.to : '';
  if (!domain || !isCheckId(from) || !isCheckId(to)) notFound();
  const c = await (await getCheckQueries()).compare(from, to);
  if (!c.ok || c.domain !== domain.ascii) {
    return (
      <div className="mx-auto w-full max-w-3xl px-4 py-10">
        <h1 className="text-2xl font-semibold">Cannot compare these checks</h1>
        <p className="mt-2 text-sm text-zinc-700 dark:text-zinc-300">
          {c.ok ? 'These checks are not of this domain.' : c.reason === 'not-ready' ? 'A check is still running or was interrupted.' : c.reason === 'different-targets' ? 'The checks are of different domains.' : 'A check does not exist.'}
        </p>
        <p className="mt-4"><Link href={`/domain/${domain.ascii}`} className="text-sm text-sky-700 underline dark:text-sky-400">History of {domain.unicode}</Link></p>
      </div>
    );
  }
  const side = (label: string, r: typeof c.from) => (
    <div className="flex flex-wrap items-center gap-2 text-sm">
      <span className="font-medium">{label}</span>
      <StatusBadge meta={VERDICT_META[r.result.summary.verdict]} />
      <Link href={`/check/${r.id}`} className="text-sky-700 underline dark:text-sky-400">
        <time dateTime={r.result.startedAt}>{formatDateTime(r.result.startedAt)}</time>
      </Link>
    </div>
  );
  return (
    <div className="mx-auto w-full max-w-4xl px-4 py-8 sm:px-6 sm:py-10">
      <header className="mb-6">
        <p className="text-sm font-medium text-zinc-600 dark:text-zinc-400">What changed for</p>
        <h1 className="mt-0.5 text-2xl font-semibold tracking-tight break-all sm:text-3xl">{domain.unicode}</h1>
        <div className="mt-3 flex flex-col gap-1.5">
          {side('From', c.from)}
          {side('To', c.to)}
        </div>
        <p className="mt-3 text-sm">
          <Link href={`/domain/${domain.ascii}`} className="text-sky-700 underline dark:text-sky-400">All checks of {domain.unicode}</Link>
          {' · '}
          <a href={`/api/domains/${domain.ascii}/compare?from=${from}&to=${to}`} className="text-sky-700 underline dark:text-sky-400">JSON</a>
        </p>
      </header>
      <h2 className="mb-3 text-lg font-semibold">{c.changes.length === 1 ? '1 change' : `${c.changes.length} changes`}</h2>
      <ChangeList changes={c.changes} />
    </div>
  );
}
