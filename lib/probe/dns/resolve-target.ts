/**
 * From a domain (or one host name) to the hosts and addresses a check will probe: MX records, the
 * implicit-MX and null-MX rules, A/AAAA per host, the address policy per address, and reverse DNS
 * with forward confirmation. DNS failures are statuses in the result; this never throws for them.
 */
import { isIP } from 'node:net';
import { domainToUnicode } from 'node:url';
import { parseIpStrict } from '@/lib/probe/address-policy';
import type { AddressInfo, DnsResult, HostDns, MxRecord } from '@/lib/probe/schema';
import type { AddressPolicy, Clock, DnsResolver } from '@/lib/probe/types';
import { addressesUnknown } from '@/lib/probe/dns/address-lookup';
import { asDnsLookup, createLookupRunner, type Lookup, type QuestionBudget, type Runner } from '@/lib/probe/dns/lookup';

export interface ResolveTargetOptions {
  /** ASCII (punycode) name, as normalizeDomain returns it */
  domain: string;
  mode: 'domain' | 'host';
  resolver: DnsResolver;
  policy: AddressPolicy;
  clock: Clock;
  signal?: AbortSignal;
  /** DNS questions in flight at once */
  concurrency?: number;
  /**
   * Fan-out caps applied before asking, so a hostile zone (100 MX × 50 A) cannot turn one check
   * into thousands of questions: MX hosts resolved, addresses per host described (PTR and forward
   * confirmation), and questions overall. What is over them is counted in `truncated`.
   */
  maxHosts?: number;
  maxAddressesPerHost?: number;
  maxQuestions?: number;
  /**
   * The check's question budget, shared with the questions asked after this (policy TXT, DNSSEC,
   * TLSA); absent: a budget of maxQuestions of its own.
   */
  budget?: QuestionBudget;
}

export const DEFAULT_DNS_CONCURRENCY = 8;
// A PTR RRset can be long; forward-confirming a handful of its names is enough to answer FCrDNS.
const MAX_PTR_NAMES_CONFIRMED = 5;

function canonName(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

function displayNameOf(ascii: string): string | undefined {
  if (!ascii.includes('xn--')) return undefined;
  const unicode = domainToUnicode(ascii);
  return unicode !== '' && unicode !== ascii ? unicode : undefined;
}

function sameAddress(a: string, b: string): boolean {
  const x = parseIpStrict(a);
  const y = parseIpStrict(b);
  return x !== undefined && y !== undefined && x.kind() === y.kind() && x.toNormalizedString() === y.toNormalizedString();
}

/** Statuses that say nothing about whether a record exists, so "not confirmed" cannot be claimed. */
function inconclusive(l: Lookup<unknown>): boolean {
  return l.status !== 'ok' && l.status !== 'nxdomain' && l.status !== 'nodata';
}

function forward(run: Runner, resolver: DnsResolver, name: string, family: 4 | 6): Promise<Lookup<string[]>> {
  return family === 4 ? run(`A ${name}`, () => resolver.resolve4(name)) : run(`AAAA ${name}`, () => resolver.resolve6(name));
}

async function describeAddress(
  address: string,
  family: 4 | 6,
  ctx: Pick<Ctx, 'run' | 'resolver' | 'policy'>,
): Promise<AddressInfo> {
  const policy = ctx.policy(address);
  // Refused addresses get no reverse lookup: a resolver inside our own network could otherwise
  // reveal internal PTR names for 10.x or fd00:: addresses an attacker's MX points at.
  if (!policy.allowed) return { address, family, policy };

  const rev = await ctx.run(`PTR ${address}`, () => ctx.resolver.reverse(address));
  const names = rev.status === 'ok' ? [...new Set((rev.value ?? []).map(canonName))].filter((n) => n !== '') : [];

  let forwardConfirmed: boolean | null;
  if (rev.status === 'nxdomain' || rev.status === 'nodata' || (rev.status === 'ok' && names.length === 0)) {
    forwardConfirmed = false;
  } else if (rev.status !== 'ok') {
    forwardConfirmed = null;
  } else {
    const checks = await Promise.all(names.slice(0, MAX_PTR_NAMES_CONFIRMED).map((n) => forward(ctx.run, ctx.resolver, n, family)));
    if (checks.some((c) => c.status === 'ok' && (c.value ?? []).some((a) => sameAddress(a, address)))) forwardConfirmed = true;
    else if (checks.some(inconclusive)) forwardConfirmed = null;
    else forwardConfirmed = false;
  }
  return { address, family, policy, ptr: { lookup: asDnsLookup(rev), names, forwardConfirmed } };
}

interface Ctx {
  run: Runner;
  resolver: DnsResolver;
  policy: AddressPolicy;
  maxAddressesPerHost: number;
  /** addresses found but not described (over maxAddressesPerHost) */
  skippedAddresses: number;
}

async function resolveHost(name: string, preference: number | undefined, ctx: Ctx): Promise<HostDns> {
  const [a, aaaa] = await Promise.all([forward(ctx.run, ctx.resolver, name, 4), forward(ctx.run, ctx.resolver, name, 6)]);
  const found: { address: string; family: 4 | 6 }[] = [];
  for (const [lookup, family] of [
    [a, 4],
    [aaaa, 6],
  ] as const) {
    for (const address of lookup.value ?? []) {
      // Keep only what the question asked for, once; a resolver is not trusted to be tidy.
      if (isIP(address) !== family || found.some((f) => sameAddress(f.address, address))) continue;
      found.push({ address, family });
    }
  }
  // Only the addresses that will be probed get a PTR lookup: the rest are counted, not described.
  const kept = found.slice(0, ctx.maxAddressesPerHost);
  ctx.skippedAddresses += found.length - kept.length;
  const addresses = await Promise.all(kept.map((f) => describeAddress(f.address, f.family, ctx)));
  const host: HostDns = { name, a: asDnsLookup(a), aaaa: asDnsLookup(aaaa), addresses };
  const displayName = displayNameOf(name);
  if (displayName !== undefined) host.displayName = displayName;
  if (preference !== undefined) host.preference = preference;
  return host;
}

/**
 * An MX target must not be an alias (RFC 2181 §10.3), though RFC 5321 §5.1 has senders follow it.
 * The alias is recorded; the host keeps its MX name for probing and certificate matching.
 */
async function withAlias(host: HostDns, ctx: { run: Runner; resolver: DnsResolver }): Promise<HostDns> {
  if (!ctx.resolver.resolveCname) return host;
  const c = await ctx.run(`CNAME ${host.name}`, () => ctx.resolver.resolveCname!(host.name));
  const target = c.status === 'ok' ? c.value?.[0] : undefined;
  return target ? { ...host, cnameTarget: canonName(target) } : host;
}

function normalizeMx(raw: { exchange: string; priority: number }[]): MxRecord[] {
  return raw
    .map((r) => ({ exchange: r.exchange === '.' ? '' : canonName(r.exchange), preference: r.priority }))
    .sort((x, y) => x.preference - y.preference || (x.exchange < y.exchange ? -1 : x.exchange > y.exchange ? 1 : 0));
}

export async function resolveTarget(opts: ResolveTargetOptions): Promise<DnsResult> {
  const { resolver, policy } = opts;
  const domain = canonName(opts.domain);
  const budget: QuestionBudget = opts.budget ?? { max: opts.maxQuestions ?? Number.POSITIVE_INFINITY, asked: 0, refused: 0 };
  const run = createLookupRunner({
    clock: opts.clock,
    signal: opts.signal,
    concurrency: opts.concurrency ?? DEFAULT_DNS_CONCURRENCY,
    budget,
  });
  const ctx: Ctx = {
    run,
    resolver,
    policy,
    maxAddressesPerHost: opts.maxAddressesPerHost ?? Number.POSITIVE_INFINITY,
    skippedAddresses: 0,
  };
  const servers = resolver.getServers();
  let skippedHosts = 0;
  /** the result, with what the caps left out (only when something was) */
  const done = (r: DnsResult): DnsResult => {
    if (skippedHosts === 0 && ctx.skippedAddresses === 0 && budget.refused === 0) return r;
    return {
      ...r,
      truncated: { hosts: skippedHosts, addresses: ctx.skippedAddresses, questions: budget.asked, questionsRefused: budget.refused },
    };
  };

  if (opts.mode === 'host') {
    // The user named the server; its MX records are not ours to consult. mx stays an empty 'ok'.
    const host = await resolveHost(domain, undefined, ctx);
    return done({ mx: { status: 'ok', ms: 0, records: [] }, mxKind: 'host', hosts: [host], servers });
  }

  const mxLookup = await run(`MX ${domain}`, () => resolver.resolveMx(domain));
  const records = mxLookup.status === 'ok' ? normalizeMx(mxLookup.value ?? []) : [];
  const mx = { ...asDnsLookup(mxLookup), records };

  if (mxLookup.status === 'ok' && records.length > 0) {
    const real = records.filter((r) => r.exchange !== '');
    // Null MX (RFC 7505): "." alone means "no mail here". When "." is mixed with real MX records
    // (forbidden by RFC 7505 §3) the real hosts are still probed: they are what senders that ignore
    // the null MX will use, and the records list keeps the "." for a finding to flag.
    if (real.length === 0) return { mx, mxKind: 'null', hosts: [], servers };
    const seen = new Set<string>();
    // Sorted by preference, so the first occurrence of a duplicated exchange has its best preference.
    const unique = real.filter((r) => (seen.has(r.exchange) ? false : (seen.add(r.exchange), true)));
    // The host cap applies before resolving: hosts over it are never asked about.
    const resolved = unique.slice(0, opts.maxHosts ?? unique.length);
    skippedHosts = unique.length - resolved.length;
    const hosts = await Promise.all(resolved.map((r) => resolveHost(r.exchange, r.preference, ctx).then((h) => withAlias(h, ctx))));
    return done({ mx, mxKind: 'explicit', hosts, servers });
  }

  // RFC 5321 §5.1: a name that exists but has no MX is its own mail host (implicit MX). An empty
  // answer with NOERROR is the same thing as NODATA.
  if (mxLookup.status === 'nodata' || mxLookup.status === 'ok') {
    const host = await resolveHost(domain, undefined, ctx);
    // A timed-out A lookup is not "no address": keep the host, so the report says it went untested.
    if (host.addresses.length > 0 || addressesUnknown(host)) return done({ mx, mxKind: 'implicit', hosts: [host], servers });
  }
  return done({ mx, mxKind: 'none', hosts: [], servers });
}
