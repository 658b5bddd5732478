/**
 * The domain's transport-security policy records, looked up and fetched while the port probes run:
 * MTA-STS (TXT record, then the HTTPS policy) and TLS-RPT. Each piece is announced as soon as it is
 * known; DNS and HTTP failures are statuses in the result, never exceptions.
 */
import type { MtaSts, PolicyResult, TlsRpt } from '@/lib/probe/schema';
import { asDnsLookup, createLookupRunner, type QuestionBudget, type Runner } from '@/lib/probe/dns/lookup';
import type { AddressPolicy, Clock, ConnectFn, DnsResolver, TlsContext } from '@/lib/probe/types';
import { fetchStsPolicy } from './fetch-sts-policy';
import { parseMtaStsRecords, parseTlsRptRecords } from './policy-records';
import { parseStsPolicy } from './sts-policy';

export interface CheckPolicyOptions {
  domain: string;
  resolver: DnsResolver;
  policy: AddressPolicy;
  tls: TlsContext;
  clock: Clock;
  /** the policy fetch's whole time budget */
  fetchBudgetMs: number;
  connectTimeoutMs: number;
  signal?: AbortSignal;
  connect?: ConnectFn;
  /** HTTPS port of the policy host (443; tests use another) */
  httpsPort?: number;
  /** the check's DNS question budget (shared with the MX fan-out); absent: unbounded */
  budget?: QuestionBudget;
  onMtaSts?: (m: MtaSts) => void;
  onTlsRpt?: (t: TlsRpt) => void;
}

async function txt(run: Runner, resolver: DnsResolver, name: string) {
  const lookup = await run(`TXT ${name}`, () => resolver.resolveTxt!(name));
  // A record's character-strings are one value (RFC 7208 §3.3 style concatenation, RFC 8461 §3.1).
  const records = (lookup.value ?? []).map((chunks) => chunks.join(''));
  return { lookup: asDnsLookup(lookup), records };
}

export async function checkMtaSts(opts: CheckPolicyOptions, run: Runner): Promise<MtaSts> {
  const { lookup, records } = await txt(run, opts.resolver, `_mta-sts.${opts.domain}`);
  const parsed = parseMtaStsRecords(records);
  const out: MtaSts = { lookup, records, ...(parsed.ok ? { id: parsed.value.id } : { problem: parsed.problem, ...(parsed.detail ? { detail: parsed.detail } : {}) }) };
  // A sender fetches only when a v=STSv1 record is there; a broken one is still fetched here, so
  // the report can show what the policy would have said once the record is fixed.
  if (!parsed.ok && parsed.problem === 'none') return out;
  const fetched = await fetchStsPolicy({
    domain: opts.domain,
    resolver: opts.resolver,
    policy: opts.policy,
    tls: opts.tls,
    clock: opts.clock,
    budgetMs: opts.fetchBudgetMs,
    connectTimeoutMs: opts.connectTimeoutMs,
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.connect ? { connect: opts.connect } : {}),
    ...(opts.httpsPort ? { port: opts.httpsPort } : {}),
  });
  out.fetch = fetched.fetch;
  if (fetched.body !== undefined) out.policy = parseStsPolicy(fetched.body);
  return out;
}

export async function checkTlsRpt(opts: CheckPolicyOptions, run: Runner): Promise<TlsRpt> {
  const { lookup, records } = await txt(run, opts.resolver, `_smtp._tls.${opts.domain}`);
  const parsed = parseTlsRptRecords(records);
  if (parsed.ok) return { lookup, records, rua: parsed.value.rua };
  return { lookup, records, rua: [], problem: parsed.problem, ...(parsed.detail ? { detail: parsed.detail } : {}) };
}

/** MTA-STS and TLS-RPT side by side; undefined when the resolver cannot ask for TXT records. */
export async function checkPolicy(opts: CheckPolicyOptions): Promise<PolicyResult | undefined> {
  if (!opts.resolver.resolveTxt) return undefined;
  const run = createLookupRunner({ clock: opts.clock, ...(opts.signal ? { signal: opts.signal } : {}), ...(opts.budget ? { budget: opts.budget } : {}), concurrency: 4 });
  const [mtaSts, tlsRpt] = await Promise.all([
    checkMtaSts(opts, run).then((m) => (opts.onMtaSts?.(m), m)),
    checkTlsRpt(opts, run).then((t) => (opts.onTlsRpt?.(t), t)),
  ]);
  return { mtaSts, tlsRpt };
}
