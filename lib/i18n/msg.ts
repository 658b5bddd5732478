/**
 * A message to be worded later: a key of messages/<locale>.json and its values. View models in
 * lib/ (policy lines, relay rows, changes between checks, the widget's cells) return these instead
 * of sentences, so each presentation words them in its reader's language: React through
 * next-intl's `useTranslations()`, the CLI, the Atom feed, the API and the preview images through
 * `translatorFor(locale)` (lib/i18n/translator.ts). A value may itself be a message (a status word
 * inside a sentence); `say` words it first.
 */
export type MsgValue = string | number | Msg;

export interface Msg {
  key: string;
  values?: Record<string, MsgValue>;
}

export function msg(key: string, values?: Record<string, MsgValue>): Msg {
  return values ? { key, values } : { key };
}

/** Any translator over the whole message tree: next-intl's root `useTranslations()` or `translatorFor()`. */
export type Translate = (key: string, values?: Record<string, string | number>) => string;

/** Words to show: a message, or text that needs no translation (a dash, a name, a number). */
export type Words = Msg | string;

export function say(t: Translate, m: Words): string {
  if (typeof m === 'string') return m;
  if (!m.values) return t(m.key);
  const values: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(m.values)) values[k] = typeof v === 'object' ? say(t, v) : v;
  return t(m.key, values);
}
