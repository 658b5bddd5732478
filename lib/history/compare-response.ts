/**
 * The compare API's body from a comparison: the change list, each change in words, and both
 * checks as history entries. Shared by the JSON API and the page, so they never disagree. The
 * change facts are language-free; `text` follows the request's language (?lang=, Accept-Language).
 */
import type { Locale } from '@/lib/i18n/locales';
import { describeChange } from './describe-change';
import { historyEntry, type CompareOutcome } from './domain-history';
import type { CompareResponse } from './schemas';

export function compareResponse(c: Extract<CompareOutcome, { ok: true }>, locale: Locale = 'en'): CompareResponse {
  return {
    domain: c.domain,
    from: historyEntry(c.from),
    to: historyEntry(c.to),
    changes: c.changes,
    text: c.changes.map((ch) => {
      const { subject, text } = describeChange(ch, locale);
      return { subject, text };
    }),
  };
}
