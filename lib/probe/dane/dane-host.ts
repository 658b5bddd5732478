/**
 * DANE for one MX host: its validated TLSA records against what port 25 of each of its addresses
 * presented. DANE applies only to a host whose TLSA RRset is DNSSEC-secure and holds a usable
 * record (RFC 7672 §2.2); for any other host the address list stays empty.
 */
import type { DaneAddress, DaneHost, PortProbe } from '@/lib/probe/schema';
import { answered, isUntestedOutcome } from '@/lib/verdict/probe-status';
import { matchDane } from './match-tlsa';
import { daneApplies, tlsaBase } from './tlsa-record';

export { daneApplies };

export function daneForAddress(h: Pick<DaneHost, 'host' | 'records' | 'tlsa'>, address: string, probe: PortProbe | undefined, now: Date): DaneAddress {
  const none = { address, matches: [] };
  if (!probe || isUntestedOutcome(probe) || !answered(probe)) return { ...none, outcome: 'untested' };
  if (probe.tls && probe.tls.chain.length > 0) {
    const base = tlsaBase(h.tlsa.name);
    const names = base !== undefined && base !== h.host ? [h.host, base] : [h.host];
    return { address, ...matchDane({ records: h.records, chainPem: probe.tls.chain.map((c) => c.pem), names, now }) };
  }
  // A DANE sender requires STARTTLS once the TLSA records are secure (RFC 7672 §2.2).
  if (probe.outcome === 'starttls-rejected' || probe.outcome === 'tls-handshake-failed' || (probe.ehlo && !probe.ehlo.starttls)) return { ...none, outcome: 'no-tls' };
  return { ...none, outcome: 'untested' };
}

/** The host with its addresses filled in from their port 25 probes (none when DANE does not apply). */
export function daneForHost(h: DaneHost, addresses: readonly string[], probes: ReadonlyMap<string, PortProbe>, now: Date): DaneHost {
  if (!daneApplies(h)) return { ...h, addresses: [] };
  return { ...h, addresses: addresses.map((a) => daneForAddress(h, a, probes.get(`${h.host}|${a}`), now)) };
}
