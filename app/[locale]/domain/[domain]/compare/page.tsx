// GET /domain/:domain/compare?from=<id>&to=<id> – what changed between two checks, as a readable
// change list (the same lib/history comparison the JSON API answers with).
import type { Metadata } from 'next';
import { getTranslations, setRequestLocale } from 'next-intl/server';
import { notFound } from 'next/navigation';
import { connection } from 'next/server';
import { ChangeList } from '@/components/history/change-list';
import { StatusBadge } from '@/components/ui/badge';
import { getCheckQueries } from '@/lib/checks/get-runner';
import { domainFromParam } from '@/lib/history/domain-param';
import { formatDateTimeIn } from '@/lib/i18n/format';
import type { Locale } from '@/lib/i18n/locales';
import { Link } from '@/lib/i18n/navigation';
import { VERDICT_META } from '@/lib/report/status';
import { isCheckId } from '@/lib/store/check-id';

type Params = Promise<{ domain: string; locale: Locale }>;

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const { locale } = await params;
  const t = await getTranslations({ locale, namespace: 'compare' });
  return { title: t('metaTitle'), robots: { index: false, follow: false } };
}

export default async function ComparePage({ params, searchParams }: { params: Params; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await connection();
  const [{ domain: raw, locale }, query] = await Promise.all([params, searchParams]);
  setRequestLocale(locale);
  const t = await getTranslations('compare');
  const status = await getTranslations('status');
  const domain = domainFromParam(raw);
  const from = typeof query.from === 'string' ? query.from : '';
  const to = typeof query.to === 'string' ? query.to : '';
  if (!domain || !isCheckId(from) || !isCheckId(to)) notFound();
  const c = await (await getCheckQueries()).compare(from, to);
  if (!c.ok || c.domain !== domain.ascii) {
    const why = c.ok ? 'notThisDomain' : c.reason === 'not-ready' ? 'notReady' : c.reason === 'different-targets' ? 'differentTargets' : 'missing';
    return (
      <div className="mx-auto w-full max-w-3xl px-4 py-10">
        <h1 className="text-2xl font-semibold">{t('cannot')}</h1>
        <p className="mt-2 text-sm text-zinc-700 dark:text-zinc-300">{t(why)}</p>
        <p className="mt-4">
          <Link href={`/domain/${domain.ascii}`} className="text-sm text-sky-700 underline dark:text-sky-400">
            {t('historyOf', { domain: domain.unicode })}
          </Link>
        </p>
      </div>
    );
  }
  const side = (label: string, r: typeof c.from) => (
    <div className="flex flex-wrap items-center gap-2 text-sm">
      <span className="font-medium">{label}</span>
      <StatusBadge meta={VERDICT_META[r.result.summary.verdict]} label={status(`verdict.${r.result.summary.verdict}`)} />
      <Link href={`/check/${r.id}`} className="text-sky-700 underline dark:text-sky-400">
        <time dateTime={r.result.startedAt}>{formatDateTimeIn(locale, r.result.startedAt)}</time>
      </Link>
    </div>
  );
  return (
    <div className="mx-auto w-full max-w-4xl px-4 py-8 sm:px-6 sm:py-10">
      <header className="mb-6">
        <p className="text-sm font-medium text-zinc-600 dark:text-zinc-400">{t('kicker')}</p>
        <h1 className="mt-0.5 text-2xl font-semibold tracking-tight break-all sm:text-3xl">{domain.unicode}</h1>
        <div className="mt-3 flex flex-col gap-1.5">
          {side(t('from'), c.from)}
          {side(t('to'), c.to)}
        </div>
        <p className="mt-3 text-sm">
          <Link href={`/domain/${domain.ascii}`} className="text-sky-700 underline dark:text-sky-400">
            {t('allChecks', { domain: domain.unicode })}
          </Link>
          {' · '}
          <a href={`/api/domains/${domain.ascii}/compare?from=${from}&to=${to}${locale === 'en' ? '' : `&lang=${locale}`}`} className="text-sky-700 underline dark:text-sky-400">
            JSON
          </a>
        </p>
      </header>
      <h2 className="mb-3 text-lg font-semibold">{t('count', { count: c.changes.length })}</h2>
      <ChangeList changes={c.changes} />
    </div>
  );
}
