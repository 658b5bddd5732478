/**
 * Whether a host's lack of addresses is known or only the result of lookups that failed. NXDOMAIN
 * and NODATA are answers (and SERVFAIL fails for every sender alike); a timeout, REFUSED or another
 * resolver error says nothing about the zone, so "this host has no address" cannot be claimed.
 */
import type { DnsStatus, HostDns } from '@/lib/probe/schema';

const UNANSWERED: ReadonlySet<DnsStatus> = new Set<DnsStatus>(['timeout', 'refused', 'error']);

export function addressesUnknown(h: Pick<HostDns, 'a' | 'aaaa' | 'addresses'>): boolean {
  if (h.addresses.length > 0) return false;
  if (h.a.status === 'nxdomain' || h.aaaa.status === 'nxdomain') return false;
  return UNANSWERED.has(h.a.status) || UNANSWERED.has(h.aaaa.status);
}
