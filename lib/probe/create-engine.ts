/**
 * Wires the engine's dependencies once per process from validated configuration: the resolver
 * (DNS_SERVERS), the address policy (PROBE_ALLOW_CIDRS), the TLS context (root store +
 * NODE_EXTRA_CA_CERTS), limits and the EHLO name.
 */
import { createAddressPolicy } from './address-policy';
import { createResolver } from './dns/resolver';
import { normalizeDomain } from './domain-name';
import type { CheckEngine, PrepareOptions } from './engine';
import { connectFromSource } from './net/guarded-connect';
import { createTargetGate } from './net/target-gate';
import { runCheck } from './run-check';
import { createTlsContext } from './tls/tls-context';
import type { CheckMode } from './schema';
import type { ProbeLimits, ProbeLogger } from './types';

export interface EngineConfig {
  dnsServers: string[];
  allowCidrs: string[];
  allowSpecialUse: boolean;
  ehloName: string;
  limits: ProbeLimits;
  logger?: ProbeLogger;
  /**
   * Port probes at once to one target address across every check this engine runs (per-target
   * fairness); absent: unbounded beyond limits.concurrency per check.
   */
  maxProbesPerTarget?: number;
  /** a PEM file of extra trust anchors (NODE_EXTRA_CA_CERTS) */
  extraCaFile?: string;
  /** the open relay test's MAIL FROM / foreign RCPT TO (default relay-test@example.com) */
  relayTestAddress?: string;
  /** run the TLS protocol matrix, with this many handshakes of one port at once; absent: off */
  tlsMatrix?: { concurrency: number };
  /** PROBE_SOURCE_ADDRESS: probe connections leave from this local address (still through the guard) */
  sourceAddress?: string;
}

export function createEngine(config: EngineConfig): CheckEngine {
  const deps = {
    resolver: createResolver({ servers: config.dnsServers, timeoutMs: config.limits.dnsTimeoutMs, tries: 2 }),
    policy: createAddressPolicy({ allowCidrs: config.allowCidrs }),
    tls: createTlsContext({ extraCaFile: config.extraCaFile ?? '' }),
    limits: config.limits,
    ehloName: config.ehloName,
    ...(config.relayTestAddress ? { relayTestAddress: config.relayTestAddress } : {}),
    ...(config.tlsMatrix ? { tlsMatrix: config.tlsMatrix } : {}),
    ...(config.logger ? { logger: config.logger } : {}),
    ...(config.sourceAddress ? { connect: connectFromSource(config.sourceAddress) } : {}),
    // One gate per engine, and the web app and the CLI make one engine per process.
    ...(config.maxProbesPerTarget ? { targetGate: createTargetGate({ maxPerTarget: config.maxProbesPerTarget }) } : {}),
  };
  return {
    prepare(input: string, mode: CheckMode, options: PrepareOptions = {}) {
      const n = normalizeDomain(input, { allowSpecialUse: config.allowSpecialUse });
      if (!n.ok) return { ok: false, code: n.code, message: n.message };
      // Only host mode needs asking: every domain check runs the relay test on its MX addresses.
      const relayTest = mode === 'host' && options.relayTest === true ? { relayTest: true } : {};
      return { ok: true, target: { input, mode, domain: n.ascii, displayDomain: n.unicode, ...relayTest } };
    },
    run(target, signal) {
      return runCheck(target, deps, signal);
    },
  };
}

/** Engine configuration from the validated environment (lib/env.ts shape). */
export function engineConfigFromEnv(env: {
  DNS_SERVERS: string[];
  PROBE_ALLOW_CIDRS: string[];
  ALLOW_TEST_DOMAINS: boolean;
  PROBE_MAX_PER_TARGET?: number;
  NODE_EXTRA_CA_CERTS?: string;
  PROBE_RELAY_TEST_ADDRESS?: string;
  PROBE_TLS_MATRIX?: boolean;
  PROBE_TLS_MATRIX_CONCURRENCY?: number;
  PROBE_SOURCE_ADDRESS?: string | undefined;
  ehloName: string;
  limits: ProbeLimits;
}): EngineConfig {
  return {
    ...(env.PROBE_MAX_PER_TARGET ? { maxProbesPerTarget: env.PROBE_MAX_PER_TARGET } : {}),
    ...(env.NODE_EXTRA_CA_CERTS ? { extraCaFile: env.NODE_EXTRA_CA_CERTS } : {}),
    ...(env.PROBE_RELAY_TEST_ADDRESS ? { relayTestAddress: env.PROBE_RELAY_TEST_ADDRESS } : {}),
    ...(env.PROBE_TLS_MATRIX ? { tlsMatrix: { concurrency: env.PROBE_TLS_MATRIX_CONCURRENCY ?? 3 } } : {}),
    ...(env.PROBE_SOURCE_ADDRESS ? { sourceAddress: env.PROBE_SOURCE_ADDRESS } : {}),
    dnsServers: env.DNS_SERVERS,
    allowCidrs: env.PROBE_ALLOW_CIDRS,
    allowSpecialUse: env.ALLOW_TEST_DOMAINS,
    ehloName: env.ehloName,
    limits: env.limits,
  };
}
