/**
 * The site's colour theme: the system's scheme by default, or light or dark when the visitor picks
 * one. The choice lives in a cookie so the server renders <html data-theme> with the very first
 * byte: the right colours are there before first paint, with or without JavaScript, and no inline
 * script has to race the stylesheet.
 */
export const THEME_PREFERENCES = ['system', 'light', 'dark'] as const;
export type ThemePreference = (typeof THEME_PREFERENCES)[number];

export const THEME_COOKIE = 'mxray-theme';
/** a year, in seconds */
export const THEME_COOKIE_MAX_AGE = 60 * 60 * 24 * 365;

export function parseThemePreference(value: string | null | undefined): ThemePreference {
  return (THEME_PREFERENCES as readonly string[]).includes(value ?? '') ? (value as ThemePreference) : 'system';
}

/** The data-theme attribute for <html>: absent for "system", so the prefers-color-scheme query decides. */
export function themeAttribute(pref: ThemePreference): 'light' | 'dark' | undefined {
  return pref === 'system' ? undefined : pref;
}
