// GET /monitors/new?domain=<domain> – the form that creates a monitor (POST /api/monitors)
import type { Metadata } from 'next';
import { getTranslations, setRequestLocale } from 'next-intl/server';
import { CreateMonitorForm } from '@/components/monitors/create-monitor-form';
import { domainFromParam } from '@/lib/history/domain-param';
import type { Locale } from '@/lib/i18n/locales';

export async function generateMetadata({ params }: { params: Promise<{ locale: Locale }> }): Promise<Metadata> {
  const t = await getTranslations({ locale: (await params).locale, namespace: 'monitors' });
  return { title: t('newMetaTitle'), robots: { index: false } };
}

export default async function NewMonitorPage({
  params,
  searchParams,
}: {
  params: Promise<{ locale: Locale }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const [{ locale }, query] = await Promise.all([params, searchParams]);
  setRequestLocale(locale);
  const t = await getTranslations('monitors');
  const raw = typeof query.domain === 'string' ? query.domain : '';
  const domain = raw ? (domainFromParam(raw)?.unicode ?? raw) : '';
  return (
    <div className="mx-auto w-full max-w-2xl px-4 py-8 sm:px-6 sm:py-10">
      <h1 className="text-2xl font-semibold tracking-tight sm:text-3xl">{t('newTitle')}</h1>
      <p className="mt-2 mb-6 text-sm text-zinc-600 dark:text-zinc-400">{t('newIntro')}</p>
      <CreateMonitorForm domain={domain} />
    </div>
  );
}
