/**
 * The origin a visitor reached us at, for absolute URLs shown to people (the API docs' curl lines):
 * the Host header, and X-Forwarded-Proto when TRUST_PROXY says the proxy in front is ours. A forged
 * Host only changes the text its own sender reads; anything not shaped like a host falls back.
 */
const HOST_RE = /^(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

export const FALLBACK_ORIGIN = 'http://localhost:3000';

export function publicOrigin(headers: Pick<Headers, 'get'>, opts: { trustProxy: boolean }): string {
  const host = (opts.trustProxy ? headers.get('x-forwarded-host')?.split(',')[0]?.trim() : undefined) || headers.get('host');
  if (!host || !HOST_RE.test(host)) return FALLBACK_ORIGIN;
  const forwarded = opts.trustProxy ? headers.get('x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase() : undefined;
  const proto = forwarded === 'https' || forwarded === 'http' ? forwarded : 'http';
  return `${proto}://${host}`;
}
