/**
 * What the engine needs from its host, passed in rather than imported, so the CLI, the web app
 * and the tests drive the very same code (no env parsing, no logger singleton in lib/probe).
 */
import type { X509Certificate } from 'node:crypto';
import type { SecureContext } from 'node:tls';
import type { Socket } from 'node:net';
import type { AddressPolicySchema } from './schema';
import type { z } from 'zod';

export type AddressPolicyResult = z.infer<typeof AddressPolicySchema>;

/** Decides whether an IP address may be connected to. Pure; never resolves or connects. */
export type AddressPolicy = (address: string) => AddressPolicyResult;

/** Timeouts and caps. Every stage has a deadline; every reply a byte and line cap. */
export interface ProbeLimits {
  /** TCP connect */
  connectTimeoutMs: number;
  /** from connect to the last line of the greeting; must exceed postscreen's 6 s pause */
  greetingTimeoutMs: number;
  /** from sending a command to the last line of its reply */
  commandTimeoutMs: number;
  /** TLS handshake */
  tlsTimeoutMs: number;
  /** one port probe, all stages together */
  probeBudgetMs: number;
  /** the whole check, DNS included */
  checkBudgetMs: number;
  /** per DNS question */
  dnsTimeoutMs: number;
  /** bytes in one reply line (RFC 5321 §4.5.3.1.5 allows 512 with CRLF; we are lenient) */
  maxLineBytes: number;
  /** bytes in one whole (multi-line) reply */
  maxReplyBytes: number;
  /** lines in one multi-line reply */
  maxReplyLines: number;
  /** transcript entries kept per probe; further ones are counted as truncated */
  maxTranscriptEntries: number;
  /** port probes running at once within one check */
  concurrency: number;
  /** MX hosts probed per check (the rest are reported, not probed: bounds amplification) */
  maxHosts: number;
  /** addresses probed per host */
  maxAddressesPerHost: number;
  /**
   * DNS questions one check may ask (MX, A/AAAA, PTR, forward confirmation). With the defaults a
   * check needs at most 1 + 2×10 + 40×(1 + 5) = 261; the bound stops a hostile zone from turning
   * one check into thousands of questions about names and addresses it chose.
   */
  maxDnsQuestions?: number;
}

export const DEFAULT_LIMITS: ProbeLimits = {
  connectTimeoutMs: 5_000,
  greetingTimeoutMs: 10_000,
  commandTimeoutMs: 8_000,
  tlsTimeoutMs: 8_000,
  probeBudgetMs: 25_000,
  checkBudgetMs: 30_000,
  dnsTimeoutMs: 4_000,
  maxLineBytes: 2_048,
  maxReplyBytes: 64 * 1024,
  maxReplyLines: 200,
  maxTranscriptEntries: 200,
  concurrency: 32,
  maxHosts: 10,
  maxAddressesPerHost: 4,
  maxDnsQuestions: 300,
};

/** A TLS client context built once and reused (creating one per connection costs tens of ms). */
export interface TlsContext {
  secureContext: SecureContext;
  /** SHA-256 fingerprints (colon hex, upper-case) of every trust anchor, to mark them in chains */
  anchorFingerprints: ReadonlySet<string>;
  /**
   * The trust anchors by subject, to complete a presented chain with the root that issued its top.
   * Absent: chains are reported as the server sent them.
   */
  anchorsBySubject?: ReadonlyMap<string, readonly X509Certificate[]>;
}

/** The subset of node:dns/promises Resolver the engine uses. */
export interface DnsResolver {
  resolveMx(name: string): Promise<{ exchange: string; priority: number }[]>;
  resolve4(name: string): Promise<string[]>;
  resolve6(name: string): Promise<string[]>;
  reverse(ip: string): Promise<string[]>;
  getServers(): string[];
  /** TXT records, each as its strings (policy records); absent: policies are not checked */
  resolveTxt?(name: string): Promise<string[][]>;
  /** the CNAME target of an alias (MX shape); absent: aliases are not reported */
  resolveCname?(name: string): Promise<string[]>;
  /**
   * One question with the DNSSEC OK bit, answered with the rcode and the AD bit the resolver set
   * (checkingDisabled: the CD bit, to tell "bogus" from other SERVFAILs). Absent: no DNSSEC/DANE.
   */
  queryDnssec?(name: string, type: DnssecRecordType, opts?: { checkingDisabled?: boolean; signal?: AbortSignal }): Promise<DnssecAnswer>;
}

/** The record types whose DNSSEC status a check asks for (the MX set, addresses, TLSA). */
export type DnssecRecordType = 'MX' | 'A' | 'AAAA' | 'TLSA';

/** A raw answer: the rcode, whether the resolver validated it (AD), and its records. */
export interface DnssecAnswer {
  /** NOERROR, NXDOMAIN, SERVFAIL, REFUSED, … */
  rcode: string;
  ad: boolean;
  answers: { name: string; type: string; data: unknown }[];
}

export interface Clock {
  /** wall clock, ms since epoch (for timestamps and certificate days left) */
  now(): number;
  /** monotonic ms (for durations) */
  monotonic(): number;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
};

/** pino-compatible subset. */
export interface ProbeLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export const silentLogger: ProbeLogger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};

/**
 * Per-target fairness across every check of the process: bounds how many port probes (each holds
 * at most one connection at a time) may run against one IP address at once (createTargetGate).
 */
export interface TargetGate {
  /**
   * Waits for a free slot for `address` and resolves with its release function (idempotent), or
   * with undefined when the signal aborts first (no slot is held then).
   */
  acquire(address: string, signal?: AbortSignal): Promise<(() => void) | undefined>;
  /** probes holding a slot for `address`, and probes waiting for one */
  stats(address: string): { active: number; waiting: number };
  /** addresses with a probe holding or waiting for a slot */
  readonly size: number;
}

/** Opens a TCP connection to an IP literal. The default is the guarded node:net connect. */
export type ConnectFn = (opts: { address: string; port: number; family: 4 | 6 }) => Socket;
