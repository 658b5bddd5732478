/**
 * Which client a request comes from, for rate limiting and the per-client caps.
 *
 * Next 16 route handlers do not expose the socket, and Next keeps an X-Forwarded-For header that
 * the client sent itself: reading that header let any client pick its own key (or drain a
 * victim's). So the production server (scripts/mxray-server.cjs, what the Dockerfile and `npm start`
 * run) writes our own header, `x-mxray-client`, from the TCP peer — or, with TRUST_PROXY, from
 * exactly TRUST_PROXY_HOPS trusted proxies — replacing any copy the client sent. This module reads
 * only that header. Without it (`next dev`, a host that does not run the hook) every request
 * shares one 'unknown' key: stricter, never forgeable.
 *
 * IPv6 clients are keyed by a prefix (default /56, CLIENT_IPV6_PREFIX): a subscriber usually gets a
 * /56 or /48 from its ISP (RFC 6177, RIPE-690 recommends /56 or /48 for end sites), and
 * per-address buckets would let them rotate addresses for fresh tokens.
 */
import ipaddr from 'ipaddr.js';

/** Set by scripts/mxray-server.cjs on every request; a client-sent copy never survives it. */
export const CLIENT_HEADER = 'x-mxray-client';
export const DEFAULT_IPV6_PREFIX = 56;

/** A dotted quad already in its canonical form (no leading zeros), as a socket reports it. */
const CANONICAL_IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/**
 * Normalises one address as the hook (or a socket) reports it; null if it is not an IP. IPv4-mapped
 * IPv6 (::ffff:a.b.c.d) is the IPv4 client itself; other IPv6 addresses become their prefix.
 */
export function normaliseClientAddress(raw: string, ipv6Prefix = DEFAULT_IPV6_PREFIX): string | null {
  // What the hook sets for every IPv4 client: its own key, without ipaddr's general parser (a
  // visible share of the web thread's time per request under a burst).
  if (CANONICAL_IPV4.test(raw)) return raw;
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
    // ipaddr.isValid also accepts "1" or "0x7f.1"; only dotted quads are real addresses.
    return ipaddr.IPv4.isValidFourPartDecimal(s) || s.includes(':') ? addr.toString() : null;
  }
  const prefix = Math.max(0, Math.min(128, Math.trunc(ipv6Prefix)));
  const bytes = (addr as ipaddr.IPv6).toByteArray();
  for (let i = 0; i < 16; i++) {
    const keep = Math.max(0, Math.min(8, prefix - i * 8));
    bytes[i] = bytes[i]! & ((0xff << (8 - keep)) & 0xff);
  }
  return `${ipaddr.fromByteArray(bytes).toString()}/${prefix}`;
}

export interface ClientKeyOptions {
  /** CLIENT_IPV6_PREFIX */
  ipv6Prefix?: number;
}

/** The rate-limit key for a request: a normalised address, or 'unknown' (one shared bucket). */
export function clientKey(headers: Pick<Headers, 'get'>, options: ClientKeyOptions = {}): string {
  const raw = headers.get(CLIENT_HEADER);
  return (raw ? normaliseClientAddress(raw, options.ipv6Prefix) : null) ?? 'unknown';
}
