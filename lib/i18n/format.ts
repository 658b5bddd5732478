/**
 * Dates, numbers and durations in a reader's language, through Intl. Dates are always shown in
 * UTC and say so, so the server render and every viewer read the same time whatever their zone.
 */
import type { Locale } from './locales';

const cache = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat>();

/** Day before month in English too ("2 Mar 2026"), as mxray always wrote it: unambiguous worldwide. */
const INTL_LOCALE: Record<Locale, string> = { en: 'en-GB', fr: 'fr-FR' };

function dateFormat(locale: Locale, withTime: boolean): Intl.DateTimeFormat {
  const key = `d|${locale}|${withTime}`;
  let f = cache.get(key) as Intl.DateTimeFormat | undefined;
  if (!f) {
    f = new Intl.DateTimeFormat(INTL_LOCALE[locale], {
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      ...(withTime ? { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' as const } : {}),
      timeZone: 'UTC',
    });
    cache.set(key, f);
  }
  return f;
}

function decimal(locale: Locale, digits: number): Intl.NumberFormat {
  const key = `n|${locale}|${digits}`;
  let f = cache.get(key) as Intl.NumberFormat | undefined;
  if (!f) {
    f = new Intl.NumberFormat(INTL_LOCALE[locale], { minimumFractionDigits: digits, maximumFractionDigits: digits });
    cache.set(key, f);
  }
  return f;
}

/** "2 Mar 2026, 10:00 UTC" · "2 mars 2026, 10:00 UTC" */
export function formatDateTimeIn(locale: Locale, iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${dateFormat(locale, true).format(d)} UTC`;
}

/** "2 Mar 2026" · "2 mars 2026" */
export function formatDateIn(locale: Locale, iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return dateFormat(locale, false).format(d);
}

/** "850 ms", "1.2 s" / "1,2 s", "12 s", "2 min 5 s"; rounded down, so a ticking timer never runs ahead. */
export function formatMsIn(locale: Locale, ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '–';
  if (ms < 1000) return `${decimal(locale, 0).format(Math.floor(ms))} ms`;
  if (ms < 10_000) return `${decimal(locale, 1).format(Math.floor(ms / 100) / 10)} s`;
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s} s`;
  return `${Math.floor(s / 60)} min ${s % 60} s`;
}
