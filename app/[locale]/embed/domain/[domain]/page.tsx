// GET /embed/domain/:domain – the embeddable widget of a domain's latest check (running, or
// finished recently); says so when there is none. Never starts a probe.
import type { Metadata } from 'next';
import { getTranslations, setRequestLocale } from 'next-intl/server';
import { connection } from 'next/server';
import { EmbedCheck } from '@/components/embed/embed-check';
import { EmbedMessage } from '@/components/embed/embed-message';
import { DOMAIN_BADGE_MAX_AGE_DAYS } from '@/lib/badge/badge-state';
import { getCheckQueries } from '@/lib/checks/get-runner';
import { loadCheckViewFromServices } from '@/lib/checks/load-check-view';
import { parseTheme } from '@/lib/embed/theme';
import { normalizeDomain } from '@/lib/probe/domain-name';
import type { Locale } from '@/lib/i18n/locales';

export async function generateMetadata({ params }: { params: Promise<{ locale: Locale }> }): Promise<Metadata> {
  const t = await getTranslations({ locale: (await params).locale, namespace: 'embed' });
  return { title: t('metaDomain') };
}

function decoded(param: string): string | null {
  try {
    return decodeURIComponent(param);
  } catch {
    return null;
  }
}

export default async function DomainEmbedPage({
  params,
  searchParams,
}: {
  params: Promise<{ domain: string; locale: Locale }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await connection();
  const [{ domain: raw, locale }, query] = await Promise.all([params, searchParams]);
  setRequestLocale(locale);
  const t = await getTranslations('embed');
  const theme = parseTheme(query.theme);
  const text = decoded(raw);
  // Only a lookup: special-use names (.test) are accepted, as nothing is resolved or probed.
  const domain = text === null ? null : normalizeDomain(text, { allowSpecialUse: true });
  if (!domain?.ok) return <EmbedMessage theme={theme} title={t('notADomain')} body={t('notADomainBody')} />;

  const queries = await getCheckQueries();
  const since = Date.now() - DOMAIN_BADGE_MAX_AGE_DAYS * 86_400_000;
  const latest = await queries.recentCheck(domain.ascii, 'domain', since);
  const view = latest ? await loadCheckViewFromServices(latest.id) : null;
  if (!view) {
    return (
      <EmbedMessage
        theme={theme}
        title={domain.unicode}
        body={t('noRecent', { days: DOMAIN_BADGE_MAX_AGE_DAYS })}
        link={{ href: locale === 'en' ? '/' : `/${locale}`, text: t('checkOnMxray') }}
      />
    );
  }
  return <EmbedCheck view={view} theme={theme} />;
}
