/**
 * Which IP addresses the engine may connect to. A web service that probes names chosen by anyone
 * must not become a way into its own network (SSRF), so every range of the IANA IPv4 and IPv6
 * Special-Purpose Address Registries (RFC 6890 and successors) is refused, including IPv6 forms that
 * carry an IPv4 address inside. Pure: parses strings, never resolves or connects.
 */
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import type { AddressPolicy, AddressPolicyResult } from '@/lib/probe/types';

type IPv4 = ipaddr.IPv4;
type IPv6 = ipaddr.IPv6;
type Range<T> = { net: [T, number]; name: string };

function v4(cidr: string, name: string): Range<IPv4> {
  return { net: ipaddr.IPv4.parseCIDR(cidr), name };
}
function v6(cidr: string, name: string): Range<IPv6> {
  return { net: ipaddr.IPv6.parseCIDR(cidr), name };
}

// IANA IPv4 Special-Purpose Address Registry. More specific entries first (broadcast inside 240/4).
// 192.31.196.0/24, 192.52.193.0/24 and 192.175.48.0/24 (AS112, AMT) are marked globally reachable
// there and stay allowed.
const V4_REFUSED: Range<IPv4>[] = [
  v4('0.0.0.0/8', 'thisNetwork'), // RFC 791
  v4('10.0.0.0/8', 'private'), // RFC 1918
  v4('100.64.0.0/10', 'carrierGradeNat'), // RFC 6598
  v4('127.0.0.0/8', 'loopback'), // RFC 1122
  v4('169.254.0.0/16', 'linkLocal'), // RFC 3927
  v4('172.16.0.0/12', 'private'), // RFC 1918
  v4('192.0.0.0/24', 'ietfProtocolAssignments'), // RFC 6890
  v4('192.0.2.0/24', 'documentation'), // RFC 5737 TEST-NET-1
  v4('192.88.99.0/24', '6to4Relay'), // RFC 7526 (deprecated anycast)
  v4('192.168.0.0/16', 'private'), // RFC 1918
  v4('198.18.0.0/15', 'benchmarking'), // RFC 2544
  v4('198.51.100.0/24', 'documentation'), // RFC 5737 TEST-NET-2
  v4('203.0.113.0/24', 'documentation'), // RFC 5737 TEST-NET-3
  v4('224.0.0.0/4', 'multicast'), // RFC 5771
  v4('255.255.255.255/32', 'broadcast'), // RFC 919
  v4('240.0.0.0/4', 'reserved'), // RFC 1112
];

// IANA IPv6 Special-Purpose Address Registry, plus documentation and SRv6 blocks. Prefixes that
// embed an IPv4 address are handled in judgeV6 before this list.
const V6_REFUSED: Range<IPv6>[] = [
  v6('::/128', 'unspecified'), // RFC 4291
  v6('::1/128', 'loopback'), // RFC 4291
  v6('64:ff9b:1::/48', 'nat64LocalUse'), // RFC 8215: operator-chosen layout, not globally reachable
  v6('100::/64', 'discard'), // RFC 6666
  // Teredo (RFC 4380) is refused outright rather than decoded: it is a client-side NAT-traversal
  // tunnel that mail servers are not reached through, and it embeds two IPv4 addresses (server and
  // XOR-obfuscated client) whose reachability from here cannot be judged from the address alone.
  v6('2001::/32', 'teredo'),
  v6('2001:2::/48', 'benchmarking'), // RFC 5180
  v6('2001:10::/28', 'orchid'), // RFC 4843 (deprecated)
  v6('2001:20::/28', 'orchidV2'), // RFC 7343: identifiers, not locators
  // The rest of 2001::/23 is IETF protocol assignments (RFC 2928): anycast services, not mail hosts.
  v6('2001::/23', 'ietfProtocolAssignments'),
  v6('2001:db8::/32', 'documentation'), // RFC 3849
  v6('3fff::/20', 'documentation'), // RFC 9637
  v6('5f00::/16', 'srv6Sids'), // RFC 9602
  v6('fc00::/7', 'uniqueLocal'), // RFC 4193
  v6('fe80::/10', 'linkLocal'), // RFC 4291
  v6('fec0::/10', 'siteLocal'), // RFC 3879 (deprecated)
  v6('ff00::/8', 'multicast'), // RFC 4291
];

// Only 2000::/3 is allocated as global unicast (IANA IPv6 Address Space registry); everything else
// outside the embedded-IPv4 forms above is reserved by the IETF.
const V6_GLOBAL_UNICAST = ipaddr.IPv6.parseCIDR('2000::/3');
const V4_MAPPED = ipaddr.IPv6.parseCIDR('::ffff:0:0/96'); // RFC 4291
const V4_COMPATIBLE = ipaddr.IPv6.parseCIDR('::/96'); // RFC 4291 (deprecated)
const NAT64_WKP = ipaddr.IPv6.parseCIDR('64:ff9b::/96'); // RFC 6052
const SIX_TO_FOUR = ipaddr.IPv6.parseCIDR('2002::/16'); // RFC 3056

function findRange<T extends IPv4 | IPv6>(addr: T, ranges: Range<T>[]): string | undefined {
  for (const r of ranges) if (addr.match(r.net)) return r.name;
  return undefined;
}

function judgeV4(addr: IPv4): AddressPolicyResult {
  const range = findRange(addr, V4_REFUSED);
  return range === undefined ? { allowed: true } : { allowed: false, range };
}

function ipv4FromParts(hi: number, lo: number): IPv4 {
  return new ipaddr.IPv4([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff]);
}

/** An IPv6 form that reaches an IPv4 host is as allowed as that host; the range names the form. */
function judgeEmbedded(form: string, inner: IPv4): AddressPolicyResult {
  const r = judgeV4(inner);
  return r.allowed ? { allowed: true, range: form } : { allowed: false, range: `${form}:${r.range}` };
}

function judgeV6(addr: IPv6): AddressPolicyResult {
  const p = addr.parts;
  // ::/128 and ::1/128 sit inside ::/96 and must not be read as IPv4-compatible 0.0.0.0 / 0.0.0.1.
  const special = findRange(addr, V6_REFUSED.slice(0, 2));
  if (special !== undefined) return { allowed: false, range: special };
  if (addr.match(V4_MAPPED)) return judgeEmbedded('ipv4Mapped', ipv4FromParts(p[6]!, p[7]!));
  if (addr.match(V4_COMPATIBLE)) return judgeEmbedded('ipv4Compatible', ipv4FromParts(p[6]!, p[7]!));
  if (addr.match(NAT64_WKP)) return judgeEmbedded('nat64', ipv4FromParts(p[6]!, p[7]!));
  // 6to4: 2002:AABB:CCDD::/48 carries AA.BB.CC.DD in bits 16–47.
  if (addr.match(SIX_TO_FOUR)) return judgeEmbedded('6to4', ipv4FromParts(p[1]!, p[2]!));
  const range = findRange(addr, V6_REFUSED);
  if (range !== undefined) return { allowed: false, range };
  if (!addr.match(V6_GLOBAL_UNICAST)) return { allowed: false, range: 'reserved' };
  return { allowed: true };
}

/**
 * Parses an address that node:net's isIP accepts, exactly as the socket layer will read it.
 * ipaddr.js 2.5 reads any dotted tail as IPv4-mapped ("::8.8.8.8" becomes ::ffff:808:808), so a
 * dotted tail is turned into its two hex groups first. Returns undefined for anything else,
 * including zone-indexed (fe80::1%eth0) addresses.
 */
export function parseIpStrict(address: string): IPv4 | IPv6 | undefined {
  if (typeof address !== 'string' || address.includes('%')) return undefined;
  const kind = isIP(address);
  if (kind === 4) return ipaddr.IPv4.parse(address);
  if (kind !== 6) return undefined;
  const m = /^(.*:)(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(address);
  if (!m) return ipaddr.IPv6.parse(address);
  const [a, b, c, d] = [m[2], m[3], m[4], m[5]].map(Number) as [number, number, number, number];
  return ipaddr.IPv6.parse(`${m[1]}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`);
}

type Cidr = [IPv4 | IPv6, number];

function parseCidr(raw: string): Cidr {
  const s = raw.trim();
  const slash = s.indexOf('/');
  const addrPart = slash === -1 ? s : s.slice(0, slash);
  const kind = isIP(addrPart);
  if (kind === 0 || addrPart.includes('%')) {
    throw new Error(`Invalid CIDR "${raw}": "${addrPart}" is not an IPv4 or IPv6 address (expected e.g. 127.0.0.0/8 or ::1/128).`);
  }
  const addr = parseIpStrict(addrPart);
  if (addr === undefined) throw new Error(`Invalid CIDR "${raw}": "${addrPart}" is not usable here.`);
  // A bare address opens exactly that address.
  if (slash === -1) return [addr, kind === 4 ? 32 : 128];
  const lenPart = s.slice(slash + 1);
  const max = kind === 4 ? 32 : 128;
  if (!/^\d{1,3}$/.test(lenPart) || Number(lenPart) > max) {
    throw new Error(`Invalid CIDR "${raw}": prefix length must be a number from 0 to ${max}.`);
  }
  return [addr, Number(lenPart)];
}

/** Splits a comma- or space-separated CIDR list (PROBE_ALLOW_CIDRS) and checks every entry. */
export function parseCidrList(s: string): string[] {
  const items = s
    .split(/[\s,]+/)
    .map((x) => x.trim())
    .filter((x) => x !== '');
  for (const item of items) parseCidr(item);
  return items;
}

export function createAddressPolicy(opts: { allowCidrs?: string[] } = {}): AddressPolicy {
  const allow = (opts.allowCidrs ?? []).map(parseCidr);

  return (address: string): AddressPolicyResult => {
    // Strict forms only (dotted-quad decimal, RFC 4291 text): the string judged is the string that
    // will be connected to, so loose forms like 127.1 or 0x7f.0.0.1 are not second-guessed.
    if (typeof address !== 'string' || isIP(address) === 0) return { allowed: false, range: 'not-an-ip' };
    // A zone index (fe80::1%eth0) picks an interface of this machine; never a public target.
    if (address.includes('%')) return { allowed: false, range: 'scoped' };
    const addr = parseIpStrict(address);
    if (addr === undefined) return { allowed: false, range: 'not-an-ip' };
    const verdict = addr.kind() === 'ipv4' ? judgeV4(addr as IPv4) : judgeV6(addr as IPv6);
    if (verdict.allowed) return verdict;
    // Opening a range is matched against the address as written (same family): a v4 CIDR does not
    // open the ::ffff:a.b.c.d form, which keeps what the config opens exactly what it says.
    const opened = allow.some(([net, bits]) => net.kind() === addr.kind() && addr.match(net, bits));
    return opened ? { allowed: true, range: verdict.range, allowedByConfig: true } : verdict;
  };
}
