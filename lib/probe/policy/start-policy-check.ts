/**
 * The hook between runCheck and the policy checks: which checks get a policy look-up (domain mode
 * with MX hosts to compare against) and how its pieces become events.
 */
import type { CheckDeps } from '@/lib/probe/run-check';
import type { CheckEvent, CheckInput, DnsResult, PolicyResult } from '@/lib/probe/schema';
import type { Clock } from '@/lib/probe/types';
import type { QuestionBudget } from '@/lib/probe/dns/lookup';
import { checkPolicy } from './check-policy';

/** RFC 8461 §3.3 leaves the fetch timeout to the sender; an interactive check allows 15 s at most. */
const STS_FETCH_BUDGET_MS = 15_000;

export function startPolicyCheck(opts: {
  target: CheckInput;
  dns: DnsResult;
  deps: CheckDeps;
  clock: Clock;
  signal: AbortSignal;
  budget?: QuestionBudget;
  onEvent: (e: CheckEvent) => void;
}): Promise<PolicyResult | undefined> {
  const { target, dns, deps } = opts;
  // A host-mode check names one server, not a mail domain; a domain without MX hosts has no
  // transport to protect (null MX, NXDOMAIN).
  if (target.mode !== 'domain' || dns.hosts.length === 0) return Promise.resolve(undefined);
  return checkPolicy({
    domain: target.domain,
    resolver: deps.resolver,
    policy: deps.policy,
    tls: deps.tls,
    clock: opts.clock,
    fetchBudgetMs: Math.min(deps.limits.probeBudgetMs, STS_FETCH_BUDGET_MS),
    connectTimeoutMs: deps.limits.connectTimeoutMs,
    signal: opts.signal,
    ...(opts.budget ? { budget: opts.budget } : {}),
    ...(deps.connect ? { connect: deps.connect } : {}),
    onMtaSts: (mtaSts) => opts.onEvent({ type: 'policy-mta-sts', mtaSts }),
    onTlsRpt: (tlsRpt) => opts.onEvent({ type: 'policy-tls-rpt', tlsRpt }),
  });
}
