'use client';

import { useLocale, useTranslations } from 'next-intl';
import { useSearchParams } from 'next/navigation';
import { Link, usePathname } from '@/lib/i18n/navigation';
import { LOCALES } from '@/lib/i18n/locales';

/**
 * The same page in the other language. A plain link (works without JavaScript); following it sets
 * the language cookie in the proxy, so the choice is remembered on the next visit to the root.
 */
export function LocaleSwitch() {
  const t = useTranslations('locale');
  const locale = useLocale();
  const pathname = usePathname();
  const search = useSearchParams();
  const query = Object.fromEntries([...search.entries()].filter(([k]) => k !== 'lang'));
  return (
    <nav aria-label={t('label')} className="flex items-center gap-1 text-sm">
      {LOCALES.map((l) =>
        l === locale ? (
          <span key={l} aria-current="true" lang={l} className="rounded-md px-2 py-1 font-semibold text-zinc-900 dark:text-zinc-100">
            {l.toUpperCase()}
            <span className="sr-only"> ({t(l)})</span>
          </span>
        ) : (
          <Link
            key={l}
            href={{ pathname, query }}
            locale={l}
            hrefLang={l}
            lang={l}
            className="rounded-md px-2 py-1 text-zinc-600 underline-offset-2 hover:text-zinc-900 hover:underline dark:text-zinc-400 dark:hover:text-zinc-100"
          >
            {l.toUpperCase()}
            <span className="sr-only"> ({t(l)})</span>
          </Link>
        ),
      )}
    </nav>
  );
}
