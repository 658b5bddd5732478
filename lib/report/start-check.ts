/**
 * The browser's side of POST /api/checks: start (or join) a check and turn every failure into a
 * message a person can act on. The fetch function is passed in so tests need no network.
 */
import { ApiErrorSchema, CreateCheckResponseSchema } from '@/lib/http/api-schemas';
import type { CheckMode } from '@/lib/probe/schema';

export type StartCheckResult =
  | { ok: true; id: string; permalink: string; deduped: boolean }
  | { ok: false; code: string; message: string; retryAfterSeconds?: number };

export async function startCheck(
  domain: string,
  mode: CheckMode,
  fetchImpl: typeof fetch = fetch,
): Promise<StartCheckResult> {
  let res: Response;
  try {
    res = await fetchImpl('/api/checks', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ domain, mode }),
    });
  } catch {
    return { ok: false, code: 'network', message: 'Could not reach mxray. Check your connection and try again.' };
  }
  const body: unknown = await res.json().catch(() => null);
  if (res.ok) {
    const parsed = CreateCheckResponseSchema.safeParse(body);
    if (parsed.success) {
      const { id, deduped, urls } = parsed.data;
      return { ok: true, id, deduped, permalink: urls.permalink };
    }
    return { ok: false, code: 'bad_response', message: 'The server answered in an unexpected way. Please try again.' };
  }
  const err = ApiErrorSchema.safeParse(body);
  const retryAfter = parseRetryAfter(res.headers.get('retry-after'));
  const code = err.success ? err.data.error.code : `http_${res.status}`;
  let message = err.success ? err.data.error.message : `The server answered ${res.status}. Please try again.`;
  if (res.status === 429 || res.status === 503) {
    const wait = retryAfter !== undefined ? ` Try again in ${formatWait(retryAfter)}.` : ' Try again in a moment.';
    message = (res.status === 429 ? 'Too many checks from your address.' : 'mxray is busy right now.') + wait;
  }
  return { ok: false, code, message, retryAfterSeconds: retryAfter };
}

/** Retry-After in seconds (RFC 9110 §10.2.3: delay-seconds or an HTTP date). */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - now) / 1000));
}

export function formatWait(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const m = Math.ceil(seconds / 60);
  return `${m} minute${m === 1 ? '' : 's'}`;
}

/**
 * A quick shape check before asking the server (which validates for real: IDN, public suffix,
 * special-use names). Returns a message, or null when the input may be sent.
 */
export function validateDomainInput(raw: string): string | null {
  const v = raw.trim();
  if (!v) return 'Enter a domain name, for example example.com.';
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(v) || v.includes('/')) return 'Enter only the domain name, without https:// or a path.';
  if (v.includes('@')) return 'Enter the part after the @ (the domain), not a full email address.';
  if (/\s/.test(v)) return 'A domain name cannot contain spaces.';
  if (!v.replace(/\.$/, '').includes('.')) return 'Enter a full domain name with a dot, for example example.com.';
  if (v.length > 253) return 'That is too long for a domain name (253 characters at most).';
  return null;
}
