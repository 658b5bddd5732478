'use client';

import { useTranslations } from 'next-intl';
import { useId, useState } from 'react';
import { THEME_COOKIE, THEME_COOKIE_MAX_AGE, THEME_PREFERENCES, themeAttribute, type ThemePreference } from '@/lib/theme';

const ICON: Record<ThemePreference, string> = {
  system: 'M4 5h16v11H4zM9 20h6M12 16v4',
  light: 'M12 4V2M12 22v-2M4 12H2M22 12h-2M5.6 5.6 4.2 4.2M19.8 19.8l-1.4-1.4M5.6 18.4l-1.4 1.4M19.8 4.2l-1.4 1.4M12 8a4 4 0 1 0 0 8 4 4 0 0 0 0-8z',
  dark: 'M20 14.5A8 8 0 0 1 9.5 4 8 8 0 1 0 20 14.5z',
};

/**
 * Light / dark / system as a radio group (arrow keys move between the three, as WAI-ARIA's radio
 * pattern asks). Applies at once and stores the choice in a cookie the server reads on the next
 * request (lib/theme.ts).
 */
export function ThemeSwitch({ initial }: { initial: ThemePreference }) {
  const t = useTranslations('theme');
  const name = useId();
  const [pref, setPref] = useState<ThemePreference>(initial);

  function choose(next: ThemePreference) {
    setPref(next);
    const root = document.documentElement;
    const attr = themeAttribute(next);
    if (attr) root.dataset.theme = attr;
    else delete root.dataset.theme;
    const secure = window.location.protocol === 'https:' ? '; secure' : '';
    document.cookie = `${THEME_COOKIE}=${next}; path=/; max-age=${THEME_COOKIE_MAX_AGE}; samesite=lax${secure}`;
  }

  return (
    <fieldset className="flex items-center rounded-full border border-zinc-300 p-0.5 dark:border-zinc-700">
      <legend className="sr-only">{t('label')}</legend>
      {THEME_PREFERENCES.map((p) => (
        <label
          key={p}
          title={t(p)}
          className="relative inline-flex size-8 cursor-pointer items-center justify-center rounded-full text-zinc-600 has-checked:bg-zinc-900 has-checked:text-white has-focus-visible:outline-2 has-focus-visible:outline-offset-2 has-focus-visible:outline-indigo-600 dark:text-zinc-300 dark:has-checked:bg-zinc-100 dark:has-checked:text-zinc-900 dark:has-focus-visible:outline-indigo-400"
        >
          <input type="radio" name={name} value={p} checked={pref === p} onChange={() => choose(p)} className="sr-only" />
          <svg viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={2} strokeLinecap="round" strokeLinejoin="round" aria-hidden="true" className="size-4">
            <path d={ICON[p]} />
          </svg>
          <span className="sr-only">{t(p)}</span>
        </label>
      ))}
    </fieldset>
  );
}
