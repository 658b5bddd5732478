/**
 * The Atom feed (RFC 4287) of a domain's changes: one entry per pair of consecutive finished
 * checks that differ, newest first, so a feed reader or chat tool shows "what changed" as news.
 * Entry ids are urn:uuid IRIs derived from the two check ids (RFC 4287 §4.2.6: permanent and
 * universally unique, whatever host name the feed was fetched under).
 */
import { createHash } from 'node:crypto';
import type { Locale } from '@/lib/i18n/locales';
import { translatorFor } from '@/lib/i18n/translator';
import type { CheckResult } from '@/lib/probe/schema';
import type { CheckRecord } from '@/lib/store/check-store';
import { compareResults, type Change } from './compare-results';
import { describeChange } from './describe-change';

/** Finished checks read to build the feed: up to this many entries. */
export const FEED_MAX_ENTRIES = 20;

type DoneCheck = CheckRecord & { result: CheckResult };

export interface FeedEntry {
  from: DoneCheck;
  to: DoneCheck;
  changes: Change[];
}

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

export function escapeXml(text: string): string {
  // Characters XML 1.0 forbids (C0 controls but tab/LF/CR) are dropped: a server's banner must not break the feed.
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '').replace(/[&<>"']/g, (c) => XML_ESCAPES[c]!);
}

/** A name-based UUID (version 5 layout over SHA-256's first 16 bytes) from a stable name. */
export function uuidFor(name: string): string {
  const b = createHash('sha256').update(name).digest().subarray(0, 16);
  b[6] = (b[6]! & 0x0f) | 0x50;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Consecutive pairs (newest first) that changed; `checks` is newest first. */
export function feedEntries(checks: readonly CheckRecord[]): FeedEntry[] {
  const done = checks.filter((c): c is DoneCheck => c.status === 'done' && c.result !== null);
  const out: FeedEntry[] = [];
  for (let i = 0; i + 1 < done.length; i++) {
    const to = done[i]!;
    const from = done[i + 1]!;
    const changes = compareResults(from.result, to.result);
    if (changes.length > 0) out.push({ from, to, changes });
  }
  return out;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * The feed in a language (English unless the feed URL asks for ?lang=fr): titles, the entries'
 * words and the links to the pages in that language. Ids never depend on the language, so a
 * reader that switches language does not see every entry again as new.
 */
export function renderAtomFeed(opts: { origin: string; domain: string; displayDomain: string; checks: readonly CheckRecord[]; now: number; locale?: Locale }): string {
  const { origin, domain } = opts;
  const locale = opts.locale ?? 'en';
  const t = translatorFor(locale);
  const page = `${origin}${locale === 'en' ? '' : `/${locale}`}/domain/${domain}`;
  const self = `${origin}/domain/${domain}/feed.xml${locale === 'en' ? '' : `?lang=${locale}`}`;
  const entries = feedEntries(opts.checks);
  const newest = opts.checks.find((c) => c.status === 'done');
  // RFC 4287 §4.2.15: the last time the feed changed in a way its publisher considers significant.
  const updated = iso(newest?.finishedAt ?? newest?.createdAt ?? opts.now);
  const lines = [
    '<?xml version="1.0" encoding="utf-8"?>',
    `<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${locale}">`,
    `  <id>urn:uuid:${uuidFor(`mxray feed ${domain}`)}</id>`,
    `  <title>${escapeXml(t('feed.title', { domain: opts.displayDomain }))}</title>`,
    `  <subtitle>${escapeXml(t('feed.subtitle', { domain: opts.displayDomain }))}</subtitle>`,
    `  <updated>${updated}</updated>`,
    `  <link rel="self" type="application/atom+xml" href="${escapeXml(self)}"/>`,
    `  <link rel="alternate" type="text/html" href="${escapeXml(page)}"/>`,
    '  <author><name>mxray</name></author>',
    '  <generator>mxray</generator>',
  ];
  for (const e of entries) {
    const verdict = t(`status.verdict.${e.to.result.summary.verdict}`);
    const href = `${page}/compare?from=${e.from.id}&to=${e.to.id}`;
    const described = e.changes.map((c) => describeChange(c, locale, t));
    const items = described.map((d) => `<li>${escapeXml(t('feed.item', { subject: d.subject, text: d.text }))}</li>`);
    // type="html": the content is escaped HTML (RFC 4287 §3.1.1.2), which readers render as a list.
    const html = `<p>${escapeXml(t('feed.verdict', { verdict }))}</p><ul>${items.join('')}</ul>`;
    lines.push(
      '  <entry>',
      `    <id>urn:uuid:${uuidFor(`mxray change ${e.from.id} ${e.to.id}`)}</id>`,
      `    <title>${escapeXml(t('feed.entryTitle', { domain: opts.displayDomain, count: e.changes.length, verdict }))}</title>`,
      `    <updated>${iso(e.to.finishedAt ?? e.to.createdAt)}</updated>`,
      `    <published>${iso(e.to.finishedAt ?? e.to.createdAt)}</published>`,
      `    <link rel="alternate" type="text/html" href="${escapeXml(href)}"/>`,
      `    <summary>${escapeXml(described.map((d) => d.text).slice(0, 3).join(locale === 'fr' ? '\u202f; ' : '; '))}</summary>`,
      `    <content type="html">${escapeXml(html)}</content>`,
      '  </entry>',
    );
  }
  lines.push('</feed>', '');
  return lines.join('\n');
}
