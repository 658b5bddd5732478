/**
 * Which client a request comes from, for rate limiting.
 *
 * Next 16 route handlers do not expose the socket: `request.ip` is gone (removed in Next 15) and
 * the web Request has no remote address. What Next's own server (`next start`, standalone
 * server.js, `next dev`) does is fill in `X-Forwarded-For` with the socket's remoteAddress, but
 * only when the request does not already carry that header
 * (node_modules/next/dist/server/base-server.js: `req.headers['x-forwarded-for'] ??= socket.remoteAddress`).
 * So the header is the only trace of the socket address we get, and:
 *
 * - TRUST_PROXY=true (a reverse proxy in front that appends or overwrites X-Forwarded-For): the
 *   rightmost entry is the address our proxy saw, the real client; entries to its left were sent by
 *   the client and are not trusted.
 * - TRUST_PROXY=false (Next faces the internet): the header holds the socket address Next wrote,
 *   a single entry. A client that sends its own X-Forwarded-For keeps it (Next does not
 *   overwrite), so direct exposure cannot fully stop key forging; we still take the rightmost entry,
 *   and the global concurrency bound and dedupe cap what a forger gains. Deployments that care
 *   should put a proxy in front and set TRUST_PROXY=true. A host that can see the socket (a custom
 *   server) passes it as `socketAddress`, which then wins whenever the proxy is not trusted.
 *
 * IPv6 clients are keyed by their /64: one subscriber usually holds a whole /64 (RFC 6177), and
 * per-address buckets would let them rotate addresses for fresh tokens.
 */
import ipaddr from 'ipaddr.js';

/** Normalises one address as it appears in X-Forwarded-For or a socket; null if it is not an IP. */
export function normaliseClientAddress(raw: string): string | null {
  let s = raw.trim().replace(/^"|"$/g, '');
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(s);
  if (bracketed?.[1]) s = bracketed[1];
  else if (/^\d{1,3}(\.\d{1,3}){3}:\d+$/.test(s)) s = s.slice(0, s.lastIndexOf(':'));
  s = s.replace(/%.*$/, ''); // zone index of a link-local address
  if (!ipaddr.isValid(s)) return null;
  let addr = ipaddr.parse(s);
  if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress()) {
    addr = (addr as ipaddr.IPv6).toIPv4Address();
  }
  if (addr.kind() === 'ipv4') {
    // ipaddr.isValid also accepts "1" or "0x7f.1"; only dotted quads are real header values.
    return ipaddr.IPv4.isValidFourPartDecimal(s) || s.includes(':') ? addr.toString() : null;
  }
  const parts = (addr as ipaddr.IPv6).parts.slice(0, 4).map((p) => p.toString(16));
  return `${parts.join(':')}::/64`;
}

export interface ClientKeyOptions {
  trustProxy: boolean;
  /** the TCP peer, when the host can see it (not in Next route handlers) */
  socketAddress?: string;
}

/** The rate-limit key for a request: a normalised address, or 'unknown' (one shared bucket). */
export function clientKey(headers: Headers, { trustProxy, socketAddress }: ClientKeyOptions): string {
  const socket = socketAddress ? normaliseClientAddress(socketAddress) : null;
  if (!trustProxy && socket) return socket;
  const entries = (headers.get('x-forwarded-for') ?? '').split(',').filter((e) => e.trim() !== '');
  const last = entries[entries.length - 1];
  const forwarded = last === undefined ? null : normaliseClientAddress(last);
  return forwarded ?? socket ?? 'unknown';
}
