/**
 * Formatting shared by the server-rendered report and the live view. Hand-rolled rather than
 * Intl-based so the server and the browser produce byte-identical text (no hydration mismatch
 * from differing ICU data or time zones); dates are always shown in UTC and say so.
 */
import type { Encryption, ProbeOutcome, ProbePhase } from '@/lib/probe/schema';
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

export const ENCRYPTION_LABEL: Record<Encryption, string> = {
  starttls: 'STARTTLS',
  'implicit-tls': 'Implicit TLS',
  none: 'No encryption',
  unknown: 'Unknown',
};

/** Short reason a probe did not complete, in the words of someone reading a table cell. */
export const OUTCOME_LABEL: Record<ProbeOutcome, string> = {
  success: 'Answered',
  'blocked-target': 'Not probed: special-purpose address',
  'connection-refused': 'Refused',
  'connection-timeout': 'Timed out',
  unreachable: 'Network unreachable',
  'connection-reset': 'Connection dropped',
  'io-timeout': 'Stopped answering',
  'server-busy': 'Busy, try later',
  'greeting-rejected': 'Rejects sessions',
  'command-rejected': 'EHLO refused',
  'not-smtp': 'Not SMTP',
  'tls-on-plain-port': 'Expects TLS at once',
  'plaintext-on-implicit-port': 'Plain text, not TLS',
  'starttls-rejected': 'STARTTLS refused',
  'tls-handshake-failed': 'TLS handshake failed',
  'reply-too-large': 'Reply flood',
  'protocol-error': 'Malformed replies',
  aborted: 'Cancelled',
};

export const PHASE_LABEL: Record<ProbePhase, string> = {
  policy: 'address check',
  connect: 'connect',
  greeting: 'greeting',
  ehlo: 'EHLO',
  starttls: 'STARTTLS',
  tls: 'TLS handshake',
  'ehlo-tls': 'EHLO after TLS',
  relay: 'relay test',
  quit: 'QUIT',
  done: 'done',
  'mail-before-tls': 'MAIL FROM before TLS',
};

/** "TLSv1.3" → "TLS 1.3" */
export function formatTlsVersion(v: string | undefined): string | undefined {
  if (!v) return undefined;
  const m = /^TLSv(\d(?:\.\d)?)$/.exec(v);
  return m ? `TLS ${m[1]}` : v;
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
