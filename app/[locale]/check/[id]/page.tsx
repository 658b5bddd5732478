// GET /check/:id – a check's permalink: the finished report (server-rendered, readable without
// JavaScript), or the live view of a running check. Reading never starts a probe.
import type { Metadata } from 'next';
import { getTranslations, setRequestLocale } from 'next-intl/server';
import { notFound } from 'next/navigation';
import { connection } from 'next/server';
import { cache } from 'react';
import { LiveCheck } from '@/components/report/live-check';
import { Report } from '@/components/report/report';
import { VantageComparison, type VantageLink } from '@/components/report/vantage-comparison';
import type { VantageComparison as Comparison } from '@/lib/verdict/compare-vantages';
import { loadVantageGroup } from '@/lib/checks/load-vantage-group';
import { HistoryLinks } from '@/components/history/history-links';
import { loadCheckViewFromServices } from '@/lib/checks/load-check-view';
import { shareMetadata } from '@/lib/og/share-metadata';
import { alternatesFor } from '@/lib/i18n/alternates';
import type { Locale } from '@/lib/i18n/locales';

// One store read per request, shared by generateMetadata and the page.
const load = cache(async (id: string) => {
  await connection();
  return loadCheckViewFromServices(id);
});

type Params = Promise<{ id: string; locale: Locale }>;

/** A check asked of several vantages: the check of each, and the comparison once all are done. */
async function vantageLinks(
  group: { vantage: string; id: string }[],
  locale: Locale,
): Promise<{ links: VantageLink[]; comparison?: Comparison }> {
  const { members, comparison } = await loadVantageGroup(group, load);
  const prefix = locale === 'en' ? '' : `/${locale}`;
  const links = members.map(({ vantage, id, status }) => ({ vantage, id, href: `${prefix}/check/${id}`, status }));
  return { links, ...(comparison ? { comparison } : {}) };
}

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const { id, locale } = await params;
  const t = await getTranslations({ locale });
  const view = await load(id);
  if (!view) return { title: t('notFound.metaTitle') };
  const domain = view.target.displayDomain;
  const title =
    view.status === 'done'
      ? t('report.metaTitle', { domain, verdict: t(`status.verdict.${view.result.summary.verdict}`) })
      : t('report.metaChecking', { domain });
  const share = await shareMetadata({
    title,
    description: t('report.shareDescription', { domain }),
    path: locale === 'en' ? `/check/${view.id}` : `/${locale}/check/${view.id}`,
    imagePath: `/og/check/${view.id}${locale === 'en' ? '' : `?lang=${locale}`}`,
    imageAlt: t('report.shareImageAlt', { title }),
  });
  return {
    title,
    ...share,
    alternates: alternatesFor(`/check/${view.id}`),
    // Permalinks are unguessable capabilities, not content for search engines.
    robots: { index: false, follow: false },
  };
}

export default async function CheckPage({ params }: { params: Params }) {
  const { id, locale } = await params;
  setRequestLocale(locale);
  const view = await load(id);
  if (!view) notFound();
  const permalink = `/check/${view.id}`;
  const group = view.target.vantageGroup ? await vantageLinks(view.target.vantageGroup, locale) : undefined;
  return (
    <div className="mx-auto w-full max-w-6xl px-4 py-8 sm:px-6 sm:py-10">
      {group ? (
        <div className="mb-10">
          <VantageComparison links={group.links} currentId={view.id} {...(group.comparison ? { comparison: group.comparison } : {})} />
        </div>
      ) : null}
      {view.status === 'done' ? (
        <>
          {view.target.mode === 'domain' ? <HistoryLinks check={{ id: view.id, domain: view.target.domain, createdAt: view.createdAt }} /> : null}
          <Report result={view.result} permalink={permalink} checkId={view.id} />
        </>
      ) : (
        <LiveCheck
          checkId={view.id}
          target={view.target}
          status={view.status}
          queued={view.status === 'running' && view.queued}
          interruptedReason={view.status === 'interrupted' ? view.reason : null}
          finishedAt={view.status === 'interrupted' ? view.finishedAt : null}
          initialEvents={view.events}
          createdAt={view.createdAt}
          serverNow={Date.now()}
          permalink={permalink}
        />
      )}
    </div>
  );
}
