/** The widget's colour scheme, from ?theme=: light, dark, or auto (the viewer's system setting). */
export const EMBED_THEMES = ['auto', 'light', 'dark'] as const;
export type EmbedTheme = (typeof EMBED_THEMES)[number];

/** Anything but a known theme (absent, repeated, misspelt) falls back to auto rather than failing. */
export function parseTheme(value: string | string[] | undefined | null): EmbedTheme {
  return typeof value === 'string' && (EMBED_THEMES as readonly string[]).includes(value) ? (value as EmbedTheme) : 'auto';
}

