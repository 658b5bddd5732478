/**
 * The opaque cursor of a domain's history pages: the last row a page showed (created_at, id), in
 * base64url so clients pass it back verbatim. A malformed cursor is the client's error, not ours.
 */
import type { HistoryCursor } from '@/lib/store/check-store';
import { isCheckId } from '@/lib/store/check-id';

export function encodeCursor(c: HistoryCursor): string {
  return Buffer.from(`${c.createdAt}.${c.id}`, 'utf8').toString('base64url');
}

export function decodeCursor(text: string): HistoryCursor | null {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(text)) return null;
  const raw = Buffer.from(text, 'base64url').toString('utf8');
  const m = /^(\d{1,16})\.(.+)$/.exec(raw);
  if (!m || !isCheckId(m[2]!)) return null;
  const createdAt = Number(m[1]);
  return Number.isSafeInteger(createdAt) ? { createdAt, id: m[2]! } : null;
}
