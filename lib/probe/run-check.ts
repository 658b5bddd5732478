/**
 * One check, end to end: DNS, then every host × address × port probed in parallel with a bound,
 * then findings and the summary. Progress is an async stream of events; the result is final.
 */
import { X509Certificate } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { targetKey } from './net/target-gate';
import { DEFAULT_DNS_CONCURRENCY, resolveTarget } from './dns/resolve-target';
import { evaluateFindings, truncatedFinding } from './findings/evaluate';
import { evaluatePolicy } from './findings/evaluate-policy';
import { evaluateMailBeforeTls, evaluateMxAliases } from './findings/evaluate-transport';
import { startPolicyCheck } from './policy/start-policy-check';
import { startDaneCheck } from './dane/start-dane-check';
import { adjustForDane, evaluateDane } from './findings/evaluate-dane';
import { createLookupRunner, type QuestionBudget } from './dns/lookup';
import { dnsQuestionLimitFinding } from './findings/limits';
import { summarize } from './findings/summarize';
import { probePort } from './probe-port';
import { runTlsMatrix } from './tls/run-tls-matrix';
import { evaluateTlsMatrix } from './findings/evaluate-tls-matrix';
import { planRelayTests } from './relay/plan-relay-tests';
import type { CheckEvent, CheckInput, CheckResult, PortProbe, TlsMatrix } from './schema';
import { PORTS } from './ports';
import {
  systemClock,
  silentLogger,
  type AddressPolicy,
  type Clock,
  type ConnectFn,
  type DnsResolver,
  type ProbeLimits,
  type ProbeLogger,
  type TargetGate,
  type TlsContext,
} from './types';

export interface CheckDeps {
  resolver: DnsResolver;
  policy: AddressPolicy;
  tls: TlsContext;
  limits: ProbeLimits;
  ehloName: string;
  clock?: Clock;
  logger?: ProbeLogger;
  connect?: ConnectFn;
  /**
   * Process-wide bound on probes per target address, shared by every check (see TargetGate).
   * Absent: no bound beyond limits.concurrency within this check.
   */
  targetGate?: TargetGate;
  /** MAIL FROM and foreign RCPT TO of the open relay test (default relay-test@example.com) */
  relayTestAddress?: string;
  /**
   * The TLS protocol matrix (tls/run-tls-matrix.ts) on every (address, port) that negotiated TLS,
   * with at most `concurrency` handshakes of one port at once. Absent: not run (PROBE_TLS_MATRIX).
   */
  tlsMatrix?: { concurrency: number };
}

/** A tiny unbounded queue bridging callbacks (probe progress) to the async generator. */
function channel<T>() {
  const items: T[] = [];
  let wake: (() => void) | undefined;
  return {
    push(item: T) {
      items.push(item);
      wake?.();
    },
    drain(): T[] {
      return items.splice(0, items.length);
    },
    wait(): Promise<void> {
      return items.length > 0 ? Promise.resolve() : new Promise<void>((r) => (wake = r)).finally(() => (wake = undefined));
    },
    notify() {
      wake?.();
    },
  };
}

/** The probe of one (address, port), shown under another MX name that resolves to the same address. */
function aliasProbe(probe: PortProbe, host: string): PortProbe {
  const copy: PortProbe = {
    ...probe,
    host,
    sameProbeAs: probe.host,
    transcript: [],
    transcriptTruncated: probe.transcriptTruncated || probe.transcript.length > 0,
  };
  if (probe.tls) {
    // The server saw the other name as SNI and may have a certificate per name: a leaf that covers
    // this name too is a match; one that does not says nothing about this name (null, untested),
    // never a mismatch we did not observe.
    const leafPem = probe.tls.chain[0]?.pem;
    let covers = false;
    try {
      covers = leafPem ? new X509Certificate(leafPem).checkHost(host) !== undefined : false;
    } catch {
      covers = false;
    }
    copy.tls = { ...probe.tls, hostnameMatch: covers ? true : null };
  }
  return copy;
}

function withoutRelay(probe: PortProbe): PortProbe {
  const { relay: _relay, ...rest } = probe;
  return rest;
}

/** Run tasks with at most `limit` in flight. */
async function pool<T>(tasks: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, tasks.length) }, async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]!();
    }
  });
  await Promise.all(workers);
  return results;
}

export async function* runCheck(
  target: CheckInput,
  deps: CheckDeps,
  signal?: AbortSignal,
): AsyncGenerator<CheckEvent, CheckResult, void> {
  const clock = deps.clock ?? systemClock;
  const logger = deps.logger ?? silentLogger;
  const t0 = clock.monotonic();
  const startedAt = new Date(clock.now()).toISOString();
  // The whole check has a budget; the caller's signal (cancel, shutdown) ends it sooner.
  const budget = AbortSignal.timeout(deps.limits.checkBudgetMs);
  const checkSignal = signal ? AbortSignal.any([signal, budget]) : budget;
  // Every probe in flight listens on this signal (its run, its current wait, the target gate), as
  // does every DNS question: Node's default cap of 10 listeners would print a leak warning on a
  // domain with two MX hosts. The real bound is the check's own concurrency.
  // Each TLS matrix handshake in flight listens too (its gate wait and its current wait), and the
  // DNSSEC questions (raw, one listener each while in flight) run beside the probes.
  setMaxListeners(deps.limits.concurrency * (3 + 3 * (deps.tlsMatrix?.concurrency ?? 0)) + 2 * DEFAULT_DNS_CONCURRENCY + 2, checkSignal);
  // One question budget for the whole check: the MX fan-out, the policy TXT records, DNSSEC and TLSA.
  const questionBudget: QuestionBudget = { max: deps.limits.maxDnsQuestions ?? Number.POSITIVE_INFINITY, asked: 0, refused: 0 };

  yield { type: 'check-started', target, startedAt };

  const dns = await resolveTarget({
    domain: target.domain,
    mode: target.mode,
    resolver: deps.resolver,
    policy: deps.policy,
    clock,
    signal: checkSignal,
    maxHosts: deps.limits.maxHosts,
    maxAddressesPerHost: deps.limits.maxAddressesPerHost,
    budget: questionBudget,
  });
  yield { type: 'dns-done', dns };

  // Bound the fan-out: a zone with 50 MX hosts must not turn one request into hundreds of
  // connections. Hosts beyond the cap are reported (finding check.truncated), not probed.
  const hostsToProbe = dns.hosts.slice(0, deps.limits.maxHosts);
  // Hosts and addresses over the caps were already left out before DNS asked about them.
  let skipped = dns.hosts.length - hostsToProbe.length + (dns.truncated?.hosts ?? 0) + (dns.truncated?.addresses ?? 0);
  const plan = hostsToProbe.flatMap((h) => {
    const addrs = h.addresses.slice(0, deps.limits.maxAddressesPerHost);
    skipped += h.addresses.length - addrs.length;
    return addrs.flatMap((a) => PORTS.map((port) => ({ host: h.name, address: a.address, family: a.family, port })));
  });
  yield { type: 'probes-planned', probes: plan };
  // The relay test rides on one port 25 probe per address (not per port, not per MX name).
  const relayPlans = planRelayTests(plan, target, deps.relayTestAddress);

  // Several MX names often resolve to the same address: each (address, port) is probed once, and
  // the result is shown under every name (sameProbeAs), instead of connecting again per name.
  const groups = new Map<string, typeof plan>();
  for (const item of plan) {
    const k = `${targetKey(item.address)}|${item.port}`;
    const g = groups.get(k);
    if (g) g.push(item);
    else groups.set(k, [item]);
  }

  const events = channel<CheckEvent>();
  let settled = false;
  // MTA-STS and TLS-RPT are looked up and fetched alongside the port probes, announced as they come.
  const policyTask = startPolicyCheck({ target, dns, deps, clock, signal: checkSignal, budget: questionBudget, onEvent: (e) => events.push(e) });
  // DNSSEC of the MX set and hosts, TLSA per host; DANE per host once its port 25 probes are done.
  const dane = startDaneCheck({
    target,
    dns,
    hosts: hostsToProbe.map((h) => h.name),
    plan,
    resolver: deps.resolver,
    run: createLookupRunner({ clock, signal: checkSignal, concurrency: DEFAULT_DNS_CONCURRENCY, budget: questionBudget }),
    clock,
    signal: checkSignal,
    onEvent: (e) => events.push(e),
  });
  const all = pool(
    [...groups.values()].map(([first, ...aliases]) => async (): Promise<PortProbe[]> => {
      const item = first!;
      const relay = relayPlans.get(plan.indexOf(item));
      // Waiting for a slot counts against the check's budget, not the probe's: a probe that never
      // got one before the budget ran out ends as 'aborted' at once.
      const release = await deps.targetGate?.acquire(item.address, checkSignal);
      let probe: PortProbe;
      // The matrix starts as soon as the probe's own handshake succeeded, beside the rest of the
      // probe (EHLO in TLS, relay test, QUIT): its handshakes hold their own per-target slots.
      let matrix: Promise<TlsMatrix> | undefined;
      const matrixOptions = deps.tlsMatrix;
      const onTls = matrixOptions
        ? (info: { mode: 'starttls' | 'implicit'; version?: string; cipher?: string }) => {
            matrix ??= runTlsMatrix({
              host: item.host,
              address: item.address,
              family: item.family,
              port: item.port,
              mode: info.mode,
              negotiated: { ...(info.version ? { version: info.version } : {}), ...(info.cipher ? { cipher: info.cipher } : {}) },
              ehloName: deps.ehloName,
              limits: deps.limits,
              policy: deps.policy,
              clock,
              signal: checkSignal,
              concurrency: matrixOptions.concurrency,
              logger,
              ...(deps.connect ? { connect: deps.connect } : {}),
              ...(deps.targetGate ? { gate: deps.targetGate } : {}),
            });
          }
        : undefined;
      try {
        probe = await probePort({
          ...item,
          mode: target.mode,
          ehloName: deps.ehloName,
          limits: deps.limits,
          policy: deps.policy,
          tls: deps.tls,
          clock,
          signal: checkSignal,
          logger,
          onEvent: (e) => events.push(e),
          ...(deps.connect ? { connect: deps.connect } : {}),
          ...(relay ? { relay } : {}),
          ...(onTls ? { onTls } : {}),
        });
      } finally {
        release?.();
      }
      if (matrix) {
        const tlsMatrix = await matrix;
        probe = { ...probe, tlsMatrix };
        events.push({ type: 'probe-tls-matrix', host: probe.host, address: probe.address, port: probe.port, matrix: tlsMatrix });
      }
      events.push({ type: 'probe-done', probe });
      // The relay result belongs to the address once: the copies under other MX names do not repeat it.
      const copies = aliases.map((a) => withoutRelay(aliasProbe(probe, a.host)));
      for (const c of copies) events.push({ type: 'probe-done', probe: c });
      for (const p of [probe, ...copies]) dane.onProbe(p);
      return [probe, ...copies];
    }),
    deps.limits.concurrency,
  );
  const allDone = Promise.all([all, policyTask, dane.asked]).finally(() => {
    settled = true;
    events.notify();
  });

  while (!settled) {
    await events.wait();
    for (const e of events.drain()) yield e;
  }
  const [, stsPolicy] = await allDone;
  const daneResult = await dane.finish();
  const policy = daneResult ? { ...stsPolicy, ...daneResult } : stsPolicy;
  const byKey = new Map((await all).flat().map((p) => [`${p.host}|${p.address}|${p.port}`, p]));
  const probes = plan.map((i) => byKey.get(`${i.host}|${i.address}|${i.port}`)).filter((p): p is PortProbe => p !== undefined);
  for (const e of events.drain()) yield e;

  let findings = evaluateFindings({ mode: target.mode, domain: target.domain, dns, probes });
  findings.push(...evaluatePolicy(policy, { domain: target.domain, dns, probes }), ...evaluateMailBeforeTls(probes), ...evaluateMxAliases(dns), ...evaluateTlsMatrix(probes));
  if (daneResult) findings = adjustForDane(findings, daneResult, dns).concat(evaluateDane(daneResult, { domain: target.domain, dns }));
  if (skipped > 0) findings.push(truncatedFinding(skipped, deps.limits));
  // Counted over the whole check: questions refused after the fan-out (policy, DNSSEC) too.
  if (questionBudget.refused > 0) {
    findings.push(dnsQuestionLimitFinding({ hosts: 0, addresses: 0, questions: questionBudget.asked, questionsRefused: questionBudget.refused }, deps.limits));
  }
  const summary = summarize({
    mode: target.mode,
    probes,
    findings,
    hosts: dns.hosts.length + (dns.truncated?.hosts ?? 0),
    addresses: dns.hosts.reduce((n, h) => n + h.addresses.length, 0) + (dns.truncated?.addresses ?? 0),
  });
  const durationMs = Math.round(clock.monotonic() - t0);
  const result: CheckResult = {
    schemaVersion: 1,
    target,
    startedAt,
    finishedAt: new Date(clock.now()).toISOString(),
    durationMs,
    ehloName: deps.ehloName,
    dns,
    probes,
    findings,
    summary,
    incomplete: checkSignal.aborted,
    ...(policy ? { policy } : {}),
  };
  logger.debug({ domain: target.domain, durationMs, verdict: summary.verdict }, 'check finished');
  yield { type: 'check-done', result };
  return result;
}
