import type { Metadata, Viewport } from 'next';
import { hasLocale, NextIntlClientProvider } from 'next-intl';
import { getTranslations, setRequestLocale } from 'next-intl/server';
import { cookies } from 'next/headers';
import { notFound } from 'next/navigation';
import { Suspense, type ReactNode } from 'react';
import { LocaleSwitch } from '@/components/site/locale-switch';
import { ThemeSwitch } from '@/components/site/theme-switch';
import { Link } from '@/lib/i18n/navigation';
import { routing } from '@/lib/i18n/routing';
import { THEME_COOKIE, parseThemePreference, themeAttribute } from '@/lib/theme';
import '../globals.css';

export async function generateMetadata({ params }: { params: Promise<{ locale: string }> }): Promise<Metadata> {
  const { locale } = await params;
  const t = await getTranslations({ locale, namespace: 'meta' });
  return {
    title: { default: t('title'), template: '%s · mxray' },
    description: t('description'),
    icons: { icon: { url: '/favicon.svg', type: 'image/svg+xml' } },
  };
}

export const viewport: Viewport = {
  themeColor: [
    { media: '(prefers-color-scheme: light)', color: '#fafafa' },
    { media: '(prefers-color-scheme: dark)', color: '#09090b' },
  ],
};

export default async function LocaleLayout({ children, params }: { children: ReactNode; params: Promise<{ locale: string }> }) {
  const { locale } = await params;
  if (!hasLocale(routing.locales, locale)) notFound();
  setRequestLocale(locale);
  const t = await getTranslations('nav');
  const footer = await getTranslations('footer');
  const theme = parseThemePreference((await cookies()).get(THEME_COOKIE)?.value);
  return (
    <html lang={locale} data-theme={themeAttribute(theme)} suppressHydrationWarning>
      <body className="flex min-h-dvh flex-col">
        <NextIntlClientProvider>
          <a
            href="#main"
            className="sr-only focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:z-50 focus:rounded-md focus:bg-white focus:px-3 focus:py-2 focus:shadow dark:focus:bg-zinc-900"
          >
            {t('skip')}
          </a>
          <header className="border-b border-zinc-200 bg-white/80 dark:border-zinc-800 dark:bg-zinc-900/60">
            <div className="mx-auto flex min-h-14 w-full max-w-6xl flex-wrap items-center justify-between gap-x-4 gap-y-2 px-4 py-2 sm:px-6">
              <Link href="/" className="flex items-center gap-2 font-semibold tracking-tight" aria-label={t('home')}>
                <svg viewBox="0 0 32 32" aria-hidden="true" className="size-7">
                  <rect width="32" height="32" rx="7" className="fill-indigo-600 dark:fill-indigo-500" />
                  <path d="M7 11h18v11H7z" fill="none" stroke="white" strokeWidth="2" strokeLinejoin="round" />
                  <path d="m7 11 9 6.5 9-6.5" fill="none" stroke="white" strokeWidth="2" strokeLinejoin="round" />
                </svg>
                <span className="text-lg">mxray</span>
              </Link>
              <div className="flex flex-wrap items-center gap-x-4 gap-y-2">
                <nav aria-label={t('main')} className="flex items-center gap-4">
                  <Link href="/#ports-title" className="text-sm text-zinc-600 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-zinc-100">
                    {t('ports')}
                  </Link>
                  <Link href="/docs/api" className="text-sm text-zinc-600 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-zinc-100">
                    {t('api')}
                  </Link>
                </nav>
                <div className="flex items-center gap-2">
                  <Suspense fallback={null}>
                    <LocaleSwitch />
                  </Suspense>
                  <ThemeSwitch initial={theme} />
                </div>
              </div>
            </div>
          </header>
          <main id="main" className="flex-1">
            {children}
          </main>
          <footer className="border-t border-zinc-200 py-6 text-sm text-zinc-600 dark:border-zinc-800 dark:text-zinc-400">
            <div className="mx-auto w-full max-w-6xl px-4 sm:px-6">{footer('text')}</div>
          </footer>
        </NextIntlClientProvider>
      </body>
    </html>
  );
}
