/**
 * Formatting shared by the server-rendered report and the live view. Hand-rolled rather than
 * Intl-based so the server and the browser produce byte-identical text (no hydration mismatch
 * from differing ICU data or time zones); dates are always shown in UTC and say so.
 */
import { daysSinceExpiry } from '@/lib/probe/findings/evaluate';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const pad = (n: number) => String(n).padStart(2, '0');

/** "2 Mar 2026, 10:00 UTC" */
export function formatDateTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${formatDate(iso)}, ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())} UTC`;
}

/** "2 Mar 2026" */
export function formatDate(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

/** "850 ms", "1.2 s", "12 s", "2 min 5 s"; always rounded down, so a ticking timer never runs ahead. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '–';
  if (ms < 1000) return `${Math.floor(ms)} ms`;
  if (ms < 10_000) return `${(Math.floor(ms / 100) / 10).toFixed(1)} s`;
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s} s`;
  return `${Math.floor(s / 60)} min ${s % 60} s`;
}

export function formatDaysLeft(days: number): string {
  if (days < 0) {
    const ago = daysSinceExpiry(days);
    return ago === 0 ? 'Expired today' : `Expired ${ago} day${ago === 1 ? '' : 's'} ago`;
  }
  if (days === 0) return 'Expires today';
  return `${days} day${days === 1 ? '' : 's'} left`;
}

/** IPv6 literals are bracketed when followed by a port, as in URLs. */
export function formatEndpoint(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

export function formatKey(keyType: string, keyBits?: number, curve?: string): string {
  const type = keyType.toUpperCase() === 'EC' ? 'ECDSA' : keyType.toUpperCase();
  if (curve) return `${type} ${curve}`;
  return keyBits ? `${type} ${keyBits} bits` : type;
}
