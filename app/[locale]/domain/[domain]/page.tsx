// GET /domain/:domain – every public check of a domain, newest first, with links to compare
// consecutive checks; ?cursor= pages back. Never starts a probe.
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { connection } from 'next/server';
import { HistoryList } from '@/components/history/history-list';
import { getCheckQueries } from '@/lib/checks/get-runner';
import { decodeCursor } from '@/lib/history/cursor';
import { domainFromParam } from '@/lib/history/domain-param';
import { shareMetadata } from '@/lib/og/share-metadata';

export async function generateMetadata({ params }: { params: Promise<{ domain: string }> }): Promise<Metadata> {
  const domain = domainFromParam((await params).domain);
  if (!domain) return { title: 'Not a domain' };
  const share = await shareMetadata({
    title: `Mail servers of ${domain.unicode}`,
    description: `Every check of ${domain.unicode}'s mail servers on ports 25, 465, 587 and 2525, and what changed between them.`,
    path: `/domain/${domain.ascii}`,
    imagePath: `/og/domain/${domain.ascii}`,
    imageAlt: `The latest check of ${domain.unicode}, with the status of ports 25, 465, 587 and 2525 per mail server`,
  });
  return {
    title: `${domain.unicode}: history`,
    ...share,
    alternates: { types: { 'application/atom+xml': `/domain/${domain.ascii}/feed.xml` } },
  };
}

export default async function DomainPage({
  params,
  searchParams,
}: {
  params: Promise<{ domain: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await connection();
  const [{ domain: raw }, query] = await Promise.all([params, searchParams]);
  const domain = domainFromParam(raw);
  if (!domain) notFound();
  const cursorText = typeof query.cursor === 'string' ? query.cursor : undefined;
  const before = cursorText ? (decodeCursor(cursorText) ?? undefined) : undefined;
  const page = await (await getCheckQueries()).historyPage(domain.ascii, before ? { before } : {});
  return (
    <div className="mx-auto w-full max-w-6xl px-4 py-8 sm:px-6 sm:py-10">
      <header className="mb-6">
        <p className="text-sm font-medium text-zinc-600 dark:text-zinc-400">History of</p>
        <h1 className="mt-0.5 text-2xl font-semibold tracking-tight break-all sm:text-3xl">{domain.unicode}</h1>
        <p className="mt-2 text-sm text-zinc-600 dark:text-zinc-400">
          Every public check of this domain, newest first.{' '}
          <a href={`/domain/${domain.ascii}/feed.xml`} className="text-sky-700 underline dark:text-sky-400">
            Follow changes (Atom feed)
          </a>
          {' · '}
          <a href={`/api/domains/${domain.ascii}/checks`} className="text-sky-700 underline dark:text-sky-400">
            JSON
          </a>
        </p>
      </header>
      {page.checks.length === 0 ? (
        <p className="text-sm text-zinc-700 dark:text-zinc-300">
          No check of this domain yet. <Link href="/" className="text-sky-700 underline dark:text-sky-400">Check it now</Link>.
        </p>
      ) : (
        <HistoryList domain={domain.ascii} checks={page.checks} />
      )}
      {page.nextCursor ? (
        <p className="mt-4">
          <Link href={`/domain/${domain.ascii}?cursor=${page.nextCursor}`} className="text-sm text-sky-700 underline dark:text-sky-400">
            Older checks
          </Link>
        </p>
      ) : null}
    </div>
  );
}
