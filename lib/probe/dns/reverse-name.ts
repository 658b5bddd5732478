/** The in-addr.arpa / ip6.arpa name of an IP address (RFC 1035 §3.5, RFC 3596 §2.5), without trailing dot. */
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { parseIpStrict } from '@/lib/probe/address-policy';

export function reverseName(ip: string): string {
  if (isIP(ip) === 4) return `${ip.split('.').reverse().join('.')}.in-addr.arpa`;
  const v6 = parseIpStrict(ip);
  if (v6 instanceof ipaddr.IPv6) {
    const nibbles = v6.parts.flatMap((p) => p.toString(16).padStart(4, '0').split(''));
    return `${nibbles.reverse().join('.')}.ip6.arpa`;
  }
  throw new Error(`reverseName: not an IP address: ${ip}`);
}
