// GET /embed/:id – the embeddable widget of one check, made to live in other sites' iframes
// (?theme=light|dark|auto); live while the check runs. Reading never starts a probe.
import type { Metadata } from 'next';
import { getTranslations, setRequestLocale } from 'next-intl/server';
import { notFound } from 'next/navigation';
import { connection } from 'next/server';
import { cache } from 'react';
import { EmbedCheck } from '@/components/embed/embed-check';
import { loadCheckViewFromServices } from '@/lib/checks/load-check-view';
import { loadVantageGroup } from '@/lib/checks/load-vantage-group';
import { embedVantages } from '@/lib/embed/embed-vantages';
import { parseTheme } from '@/lib/embed/theme';
import type { Locale } from '@/lib/i18n/locales';

const load = cache(async (id: string) => {
  await connection();
  return loadCheckViewFromServices(id);
});

export async function generateMetadata({ params }: { params: Promise<{ id: string; locale: Locale }> }): Promise<Metadata> {
  const { id, locale } = await params;
  const t = await getTranslations({ locale, namespace: 'embed' });
  const view = await load(id);
  return { title: view ? t('metaTitle', { domain: view.target.displayDomain }) : t('notFoundTitle') };
}

export default async function EmbedPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string; locale: Locale }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const [{ id, locale }, query] = await Promise.all([params, searchParams]);
  setRequestLocale(locale);
  const view = await load(id);
  if (!view) notFound();
  const group = view.target.vantageGroup;
  const vantages = group
    ? await loadVantageGroup(group, load).then(({ members, comparison }) => embedVantages(members, comparison, view.id, locale))
    : undefined;
  return <EmbedCheck view={view} theme={parseTheme(query.theme)} vantages={vantages} />;
}
