/**
 * Capability tokens: whoever holds a monitor's management URL may view, pause and delete it (there
 * are no accounts). The token is `<monitor id>.<256 random bits>`; the store keeps only its SHA-256,
 * so a leaked database does not hand out management URLs. The id part finds the row, the hash of
 * the whole token is compared in constant time.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const MONITOR_ID_RE = /^mon_[A-Za-z0-9_-]{16}$/;
const TOKEN_RE = /^(mon_[A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{43})$/;

export function newMonitorId(): string {
  return `mon_${randomBytes(12).toString('base64url')}`;
}

export function isMonitorId(s: string): boolean {
  return MONITOR_ID_RE.test(s);
}

/** A fresh token for a monitor: shown once, never stored. */
export function newMonitorToken(monitorId: string): string {
  return `${monitorId}.${randomBytes(32).toString('base64url')}`;
}

/** A signing secret for the monitor's webhooks (`whsec_…`, like other senders name theirs). */
export function newSigningSecret(): string {
  return `whsec_${randomBytes(24).toString('base64url')}`;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** The monitor id a well-formed token names; null for anything else (never looked up). */
export function monitorIdOfToken(token: string): string | null {
  const m = TOKEN_RE.exec(token);
  return m ? m[1]! : null;
}

/** Does `token` hash to `storedHash`? Constant time in the compared bytes. */
export function tokenMatches(token: string, storedHash: string): boolean {
  const given = Buffer.from(hashToken(token), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return stored.length === given.length && timingSafeEqual(given, stored);
}
