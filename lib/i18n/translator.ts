/**
 * Words outside React (CLI, Atom feed, API bodies, badges, preview images): the same message
 * files and the same ICU formatting as next-intl's `useTranslations`, through next-intl's own
 * framework-free core (use-intl), so a key reads identically on a page and in a terminal.
 */
import { createTranslator } from 'use-intl/core';
import { uiMessages } from './messages';
import type { Locale } from './locales';
import type { Msg, Translate } from './msg';
import { say } from './msg';

const cache = new Map<Locale, Translate>();

export function translatorFor(locale: Locale): Translate {
  let t = cache.get(locale);
  if (!t) {
    const inner = createTranslator({ locale, messages: uiMessages(locale), timeZone: 'UTC' }) as unknown as (
      key: string,
      values?: Record<string, string | number>,
    ) => string;
    t = (key, values) => inner(key, values);
    cache.set(locale, t);
  }
  return t;
}

/** One message in a language. */
export function sayIn(locale: Locale, m: Msg): string {
  return say(translatorFor(locale), m);
}

/** Whether a language has a message under this key (for texts keyed by codes from elsewhere). */
export function hasMessage(locale: Locale, key: string): boolean {
  let node: unknown = uiMessages(locale);
  for (const part of key.split('.')) {
    if (typeof node !== 'object' || node === null || !(part in node)) return false;
    node = (node as Record<string, unknown>)[part];
  }
  return typeof node === 'string';
}
