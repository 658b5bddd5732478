// GET /domain/:domain – every public check of a domain, newest first, with links to compare
// consecutive checks; ?cursor= pages back. Never starts a probe.
import type { Metadata } from 'next';
import { getTranslations, setRequestLocale } from 'next-intl/server';
import { notFound } from 'next/navigation';
import { connection } from 'next/server';
import { HistoryList } from '@/components/history/history-list';
import { getCheckQueries } from '@/lib/checks/get-runner';
import { decodeCursor } from '@/lib/history/cursor';
import { domainFromParam } from '@/lib/history/domain-param';
import { alternatesFor } from '@/lib/i18n/alternates';
import type { Locale } from '@/lib/i18n/locales';
import { Link } from '@/lib/i18n/navigation';
import { shareMetadata } from '@/lib/og/share-metadata';
import { buttonSecondary } from '@/components/ui/button-styles';

type Params = Promise<{ domain: string; locale: Locale }>;

/** The feed and the preview image in the page's language (English needs no parameter). */
const langQuery = (locale: Locale) => (locale === 'en' ? '' : `?lang=${locale}`);

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const { domain: raw, locale } = await params;
  const t = await getTranslations({ locale, namespace: 'history' });
  const domain = domainFromParam(raw);
  if (!domain) return { title: t('notADomain') };
  const share = await shareMetadata({
    title: t('shareTitle', { domain: domain.unicode }),
    description: t('shareDescription', { domain: domain.unicode }),
    path: `${locale === 'en' ? '' : `/${locale}`}/domain/${domain.ascii}`,
    imagePath: `/og/domain/${domain.ascii}${langQuery(locale)}`,
    imageAlt: t('shareImageAlt', { domain: domain.unicode }),
  });
  return {
    title: t('metaTitle', { domain: domain.unicode }),
    ...share,
    alternates: { ...alternatesFor(`/domain/${domain.ascii}`), types: { 'application/atom+xml': `/domain/${domain.ascii}/feed.xml${langQuery(locale)}` } },
  };
}

export default async function DomainPage({ params, searchParams }: { params: Params; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await connection();
  const [{ domain: raw, locale }, query] = await Promise.all([params, searchParams]);
  setRequestLocale(locale);
  const t = await getTranslations('history');
  const domain = domainFromParam(raw);
  if (!domain) notFound();
  const cursorText = typeof query.cursor === 'string' ? query.cursor : undefined;
  const before = cursorText ? (decodeCursor(cursorText) ?? undefined) : undefined;
  const page = await (await getCheckQueries()).historyPage(domain.ascii, before ? { before } : {});
  const tm = await getTranslations('monitors');
  return (
    <div className="mx-auto w-full max-w-6xl px-4 py-8 sm:px-6 sm:py-10">
      <header className="mb-6">
        <p className="text-sm font-medium text-zinc-600 dark:text-zinc-400">{t('kicker')}</p>
        <h1 className="mt-0.5 text-2xl font-semibold tracking-tight break-all sm:text-3xl">{domain.unicode}</h1>
        <p className="mt-2 text-sm text-zinc-600 dark:text-zinc-400">
          {t('intro')}{' '}
          <a href={`/domain/${domain.ascii}/feed.xml${langQuery(locale)}`} className="text-sky-700 underline dark:text-sky-400">
            {t('feed')}
          </a>
          {' · '}
          <a href={`/api/domains/${domain.ascii}/checks`} className="text-sky-700 underline dark:text-sky-400">
            {t('json')}
          </a>
        </p>
        <p className="mt-3">
          <Link href={`/monitors/new?domain=${encodeURIComponent(domain.ascii)}`} className={buttonSecondary}>
            {tm('monitorThisDomain')}
          </Link>
        </p>
      </header>
      {page.checks.length === 0 ? (
        <p className="text-sm text-zinc-700 dark:text-zinc-300">
          {t('empty')} <Link href="/" className="text-sky-700 underline dark:text-sky-400">{t('checkNow')}</Link>
        </p>
      ) : (
        <HistoryList domain={domain.ascii} displayDomain={domain.unicode} checks={page.checks} />
      )}
      {page.nextCursor ? (
        <p className="mt-4">
          <Link href={`/domain/${domain.ascii}?cursor=${page.nextCursor}`} className="text-sm text-sky-700 underline dark:text-sky-400">
            {t('older')}
          </Link>
        </p>
      ) : null}
    </div>
  );
}
