/** The widget's colour scheme, from ?theme=: light, dark, or auto (the viewer's system setting). */
export const EMBED_THEMES = ['auto', 'light', 'dark'] as const;
export type EmbedTheme = (typeof EMBED_THEMES)[number];

/**
 * The CSS color-scheme of a theme. The widget's page declares it, and the iframe element that
 * frames it should too: a browser paints an opaque backdrop behind a frame whose scheme differs
 * from its frame element's, which would show as white corners around a dark widget.
 */
export function colorSchemeFor(theme: EmbedTheme): 'light' | 'dark' | 'light dark' {
  return theme === 'auto' ? 'light dark' : theme;
}

/** Anything but a known theme (absent, repeated, misspelt) falls back to auto rather than failing. */
export function parseTheme(value: string | string[] | undefined | null): EmbedTheme {
  return typeof value === 'string' && (EMBED_THEMES as readonly string[]).includes(value) ? (value as EmbedTheme) : 'auto';
}

