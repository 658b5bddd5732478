/**
 * What a TLSA record is worth to an SMTP sender, without crypto (so the report's browser code can
 * ask too): usable records (RFC 7672 §3.1.3: DANE-TA and DANE-EE only; RFC 6698 §2.1: selectors 0
 * and 1, matching types 0 to 2), whether DANE applies to a host, and a record as a zone writes it.
 */
import type { DaneHost, TlsaRecord } from '@/lib/probe/schema';

export function tlsaUsable(r: TlsaRecord): boolean {
  return (r.usage === 2 || r.usage === 3) && (r.selector === 0 || r.selector === 1) && r.matchingType >= 0 && r.matchingType <= 2;
}

/** DANE applies to a host whose TLSA RRset is DNSSEC-secure and holds a usable record (RFC 7672 §2.2). */
export function daneApplies(h: Pick<DaneHost, 'tlsa' | 'records'>): boolean {
  return h.tlsa.status === 'secure' && h.records.some(tlsaUsable);
}

/** The TLSA base domain of the question `_25._tcp.<base>` (undefined for any other name). */
export function tlsaBase(tlsaName: string): string | undefined {
  const m = /^_25\._tcp\.(.+)$/i.exec(tlsaName);
  return m ? m[1] : undefined;
}

/** A TLSA record as written in a zone: "3 1 1 ab12…" (data shortened for the report). */
export function tlsaText(r: TlsaRecord): string {
  const data = r.data.length > 24 ? `${r.data.slice(0, 24)}…` : r.data;
  return `${r.usage} ${r.selector} ${r.matchingType} ${data}`;
}
