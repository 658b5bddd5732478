/**
 * The DNSSEC status of what a DANE sender looks up (RFC 7672 §2.2): the domain's MX answer, each MX
 * host's A and AAAA answers, and its TLSA records at _25._tcp.<host>. Every question goes through
 * the check's lookup runner, so it counts against the same question budget as the rest.
 */
import type { DaneHost, DnsResult, DnssecLookup, DnssecResult, TlsaRecord } from '@/lib/probe/schema';
import type { Lookup, Runner } from '@/lib/probe/dns/lookup';
import type { DnssecAnswer, DnssecRecordType, DnsResolver } from '@/lib/probe/types';

/** Rcodes that are an answer (the name exists or not); SERVFAIL and the rest are not. */
const ANSWERED = new Set(['NOERROR', 'NXDOMAIN']);

/**
 * From the answer with CD=0 (and, after a SERVFAIL, the retry with CD=1) to a status: a SERVFAIL
 * that goes away when validation is disabled is validation failing (bogus, RFC 4035 §5.5), not a
 * broken server and not "does not exist".
 */
export function dnssecStatus(name: string, type: DnssecRecordType, first: Lookup<DnssecAnswer>, retry?: Lookup<DnssecAnswer>): DnssecLookup {
  const base = { name, type, ms: first.ms + (retry?.ms ?? 0) };
  if (first.status !== 'ok' || !first.value) return { ...base, status: 'unknown', errorCode: first.errorCode ?? first.status };
  const { rcode, ad } = first.value;
  if (ANSWERED.has(rcode)) return { ...base, status: ad ? 'secure' : 'insecure', rcode };
  if (rcode === 'SERVFAIL' && retry?.status === 'ok' && retry.value && ANSWERED.has(retry.value.rcode)) return { ...base, status: 'bogus', rcode };
  return { ...base, status: 'unknown', rcode };
}

/**
 * The TLSA records of an answer in one canonical order: an RRset has none (resolvers rotate it), and
 * the report, its record numbers and the findings must read the same on every check. DANE-EE first
 * (RFC 7672 §3.1: what SMTP servers should publish), then DANE-TA, then the rest; within a usage by
 * selector, matching type and data.
 */
export function tlsaRecords(answer: DnssecAnswer | undefined): TlsaRecord[] {
  if (!answer || answer.rcode !== 'NOERROR') return [];
  return answer.answers
    .filter((a) => a.type === 'TLSA')
    .map((a) => a.data as { usage: number; selector: number; matchingType: number; certificate: Buffer })
    .map((d) => ({ usage: d.usage, selector: d.selector, matchingType: d.matchingType, data: Buffer.from(d.certificate).toString('hex') }))
    .sort(compareTlsa);
}

function compareTlsa(a: TlsaRecord, b: TlsaRecord): number {
  return b.usage - a.usage || a.selector - b.selector || a.matchingType - b.matchingType || (a.data < b.data ? -1 : a.data > b.data ? 1 : 0);
}

export const tlsaName = (host: string) => `_25._tcp.${host}`;

const bare = (name: string) => name.replace(/\.$/, '').toLowerCase();

/**
 * The name a host's A or AAAA records stand at when it differs from the host (a CNAME chain led
 * there) and the answer is DNSSEC-secure: one validated answer covers the whole chain. Undefined for
 * no alias, or an alias that is not secure (then only the MX host name counts, RFC 7672 §2.2.3).
 */
export function securelyExpandedName(host: string, lookups: readonly { lookup: DnssecLookup; answer?: DnssecAnswer }[]): string | undefined {
  for (const { lookup, answer } of lookups) {
    if (lookup.status !== 'secure' || !answer) continue;
    const owner = answer.answers.find((r) => r.type === 'A' || r.type === 'AAAA')?.name;
    if (owner !== undefined && bare(owner) !== bare(host)) return bare(owner);
  }
  return undefined;
}

export async function checkDnssec(opts: {
  domain: string;
  dns: DnsResult;
  /** the hosts whose addresses are probed (the fan-out caps apply) */
  hosts: readonly string[];
  resolver: DnsResolver;
  run: Runner;
  signal?: AbortSignal;
}): Promise<{ dnssec: DnssecResult; tlsa: DaneHost[] }> {
  const resolver = opts.resolver;
  const query: NonNullable<DnsResolver['queryDnssec']> = (name, type, o) => resolver.queryDnssec!(name, type, o);
  const ask = async (name: string, type: DnssecRecordType): Promise<{ lookup: DnssecLookup; answer?: DnssecAnswer }> => {
    const signal = opts.signal ? { signal: opts.signal } : {};
    const first = await opts.run(`DNSSEC ${type} ${name}`, () => query(name, type, signal));
    const retry =
      first.status === 'ok' && first.value?.rcode === 'SERVFAIL'
        ? await opts.run(`DNSSEC-CD ${type} ${name}`, () => query(name, type, { ...signal, checkingDisabled: true }))
        : undefined;
    return { lookup: dnssecStatus(name, type, first, retry), ...(first.value ? { answer: first.value } : {}) };
  };
  const [mx, hosts] = await Promise.all([
    ask(opts.domain, 'MX'),
    Promise.all(
      opts.hosts.map(async (host) => {
        const [a, aaaa, atHost] = await Promise.all([ask(host, 'A'), ask(host, 'AAAA'), ask(tlsaName(host), 'TLSA')]);
        // RFC 7672 §2.2.3: when the host's address records came through a secure CNAME chain, the
        // TLSA records are looked up first at the fully expanded name, then at the MX host name.
        const expanded = securelyExpandedName(host, [a, aaaa]);
        const atExpanded = expanded === undefined ? undefined : await ask(tlsaName(expanded), 'TLSA');
        const tlsa = atExpanded && tlsaRecords(atExpanded.answer).length > 0 ? atExpanded : atHost;
        return { host, a: a.lookup, aaaa: aaaa.lookup, tlsa };
      }),
    ),
  ]);
  const all = [mx.lookup, ...hosts.flatMap((h) => [h.a, h.aaaa, h.tlsa.lookup])];
  return {
    dnssec: { validating: all.some((l) => l.status === 'secure'), mx: mx.lookup, hosts: hosts.map(({ host, a, aaaa }) => ({ host, a, aaaa })) },
    tlsa: hosts.map((h) => ({ host: h.host, tlsa: h.tlsa.lookup, records: tlsaRecords(h.tlsa.answer), addresses: [] })),
  };
}
