import type { Metadata } from 'next';
import { useTranslations } from 'next-intl';
import { setRequestLocale } from 'next-intl/server';
import { use } from 'react';
import { CheckForm } from '@/components/home/check-form';
import { PortGuide } from '@/components/home/port-guide';
import { alternatesFor } from '@/lib/i18n/alternates';
import type { Locale } from '@/lib/i18n/locales';

export const metadata: Metadata = { alternates: alternatesFor('/') };

export default function HomePage({ params }: { params: Promise<{ locale: Locale }> }) {
  setRequestLocale(use(params).locale);
  const t = useTranslations('home');
  return (
    <>
      <section className="border-b border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900/40">
        <div className="mx-auto grid w-full max-w-6xl gap-8 px-4 py-8 sm:px-6 sm:py-16 lg:grid-cols-[1fr_1.1fr] lg:items-center">
          <div>
            <h1 className="text-3xl font-semibold tracking-tight text-balance sm:text-4xl">{t('title')}</h1>
            <p className="mt-4 max-w-xl text-base text-zinc-700 sm:text-lg dark:text-zinc-300">{t('lead')}</p>
          </div>
          <div className="rounded-2xl border border-zinc-200 bg-zinc-50 p-5 sm:p-6 dark:border-zinc-800 dark:bg-zinc-900">
            <CheckForm />
          </div>
        </div>
      </section>
      <PortGuide />
    </>
  );
}
