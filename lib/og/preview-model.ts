/**
 * What a link preview shows, from a result: the domain, the verdict, and for each MX host ×
 * address the four ports with their status word. Statuses come from the interpretation layer
 * (statusInResult) and words from its tables; this file only picks and trims for a 1200×630 card.
 */
import { statusInResult } from '@/lib/verdict/probe-status';
import { PORTS, type CheckResult, type Port, type PortStatus } from '@/lib/probe/schema';
import { PORT_STATUS_META, VERDICT_META, type Tone } from '@/lib/report/status';
import type { Locale } from '@/lib/i18n/locales';
import { translatorFor } from '@/lib/i18n/translator';
import { formatDateIn } from '@/lib/i18n/format';
import { tableRows } from '@/lib/report/table-rows';

/** The size Open Graph and Twitter's large card expect (1.91:1). */
export const PREVIEW_SIZE = { width: 1200, height: 630 } as const;

/** Rows that fit the card at a readable size; the rest are counted, not dropped silently. */
export const PREVIEW_MAX_ROWS = 4;

export interface PreviewModel {
  /** the language of every word on the card (the page's, passed as ?lang=) */
  locale: Locale;
  domain: string;
  verdict: { label: string; tone: Tone } | null;
  /** shown instead of the verdict while the check runs or when there is none */
  note?: string;
  rows: { host: string; address: string; ports: { port: Port; label: string; tone: Tone }[] }[];
  moreRows: number;
  checkedAt?: string;
}

export function previewModel(result: CheckResult, locale: Locale = 'en'): PreviewModel {
  const t = translatorFor(locale);
  const rows = tableRows(result).filter((r) => r.address !== undefined);
  const shown = rows.slice(0, PREVIEW_MAX_ROWS).map((r) => ({
    host: r.displayHost,
    address: r.address!,
    ports: PORTS.map((port) => {
      const probe = r.probes[port];
      const status: PortStatus | null = probe ? statusInResult(probe, result.findings) : null;
      return status
        ? { port, label: t(`status.port.${status}`), tone: PORT_STATUS_META[status].tone }
        : { port, label: '–', tone: 'muted' as Tone };
    }),
  }));
  const v = VERDICT_META[result.summary.verdict];
  return {
    locale,
    domain: result.target.displayDomain,
    verdict: { label: t(`status.verdict.${result.summary.verdict}`), tone: v.tone },
    rows: shown,
    moreRows: rows.length - shown.length,
    checkedAt: formatDateIn(locale, result.startedAt),
  };
}

/** A card without a result: `note` is a key of og.* (checking, interrupted, noCheck). */
export function pendingModel(domain: string, note: 'checking' | 'interrupted' | 'noCheck', locale: Locale = 'en'): PreviewModel {
  return { locale, domain, verdict: null, note: translatorFor(locale)(`og.${note}`), rows: [], moreRows: 0 };
}
