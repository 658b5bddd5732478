/**
 * Configuration from the environment, validated once. A bad value stops the process with a
 * message naming the variable; every variable is documented in README.md.
 */
import os from 'node:os';
import { z } from 'zod';
import { DEFAULT_LIMITS, type ProbeLimits } from '@/lib/probe/types';
import { parseDnsServers } from '@/lib/probe/dns/resolver';
import { parseCidrList } from '@/lib/probe/address-policy';

const ms = (def: number) => z.coerce.number().int().min(1).max(600_000).default(def);
const bool = (def: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
    .default(def ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** A host name we can announce in EHLO: the machine's FQDN when it has one. */
function defaultEhloName(): string {
  const h = os.hostname().toLowerCase();
  return h.includes('.') ? h : `${h || 'mxray'}.localdomain`;
}

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('production'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DNS_SERVERS: z
    .string()
    .optional()
    .transform((s, ctx) => {
      if (!s || !s.trim()) return [] as string[];
      try {
        return parseDnsServers(s);
      } catch (e) {
        ctx.addIssue({ code: 'custom', message: (e as Error).message });
        return z.NEVER;
      }
    }),
  PROBE_ALLOW_CIDRS: z
    .string()
    .optional()
    .transform((s, ctx) => {
      if (!s || !s.trim()) return [] as string[];
      try {
        return parseCidrList(s);
      } catch (e) {
        ctx.addIssue({ code: 'custom', message: (e as Error).message });
        return z.NEVER;
      }
    }),
  PROBE_EHLO_NAME: z
    .string()
    .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{1,63}$/i, 'must be a fully qualified host name')
    .optional(),
  /** accept special-use names such as *.test (RFC 6761): for tests, the demo and private setups */
  ALLOW_TEST_DOMAINS: bool(false),
  PROBE_CONNECT_TIMEOUT_MS: ms(DEFAULT_LIMITS.connectTimeoutMs),
  PROBE_GREETING_TIMEOUT_MS: ms(DEFAULT_LIMITS.greetingTimeoutMs),
  PROBE_COMMAND_TIMEOUT_MS: ms(DEFAULT_LIMITS.commandTimeoutMs),
  PROBE_TLS_TIMEOUT_MS: ms(DEFAULT_LIMITS.tlsTimeoutMs),
  PROBE_BUDGET_MS: ms(DEFAULT_LIMITS.probeBudgetMs),
  CHECK_BUDGET_MS: ms(DEFAULT_LIMITS.checkBudgetMs),
  DNS_TIMEOUT_MS: ms(DEFAULT_LIMITS.dnsTimeoutMs),
  PROBE_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(DEFAULT_LIMITS.concurrency),
  /** port probes at once to one target IP address across all checks (per-target fairness) */
  PROBE_MAX_PER_TARGET: z.coerce.number().int().min(1).max(10_000).default(8),
  PROBE_MAX_HOSTS: z.coerce.number().int().min(1).max(50).default(DEFAULT_LIMITS.maxHosts),
  PROBE_MAX_ADDRESSES_PER_HOST: z.coerce.number().int().min(1).max(16).default(DEFAULT_LIMITS.maxAddressesPerHost),
  // --- web app
  DATA_DIR: z.string().min(1).default('./data'),
  MAX_CONCURRENT_CHECKS: z.coerce.number().int().min(1).max(10_000).default(50),
  CHECK_QUEUE_SIZE: z.coerce.number().int().min(0).max(10_000).default(50),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(10),
  RATE_LIMIT_BURST: z.coerce.number().int().min(1).max(100_000).default(5),
  TRUST_PROXY: bool(false),
  /** a domain checked within this many seconds is answered with that check instead of a new probe */
  DEDUPE_WINDOW_SECONDS: z.coerce.number().int().min(0).max(86_400).default(60),
  // --- hosting safety (issue 10)
  /** with TRUST_PROXY: how many proxies of ours append to X-Forwarded-For (read by scripts/mxray-server.cjs) */
  TRUST_PROXY_HOPS: z.coerce.number().int().min(1).max(10).default(1),
  /** IPv6 clients share one rate-limit key per prefix of this length */
  CLIENT_IPV6_PREFIX: z.coerce.number().int().min(32).max(128).default(56),
  /** checks one client may have queued or running at once */
  MAX_RUNNING_PER_CLIENT: z.coerce.number().int().min(1).max(10_000).default(3),
  /** live-event viewers (SSE streams): per check, per client, overall */
  SSE_MAX_VIEWERS_PER_CHECK: z.coerce.number().int().min(1).max(100_000).default(50),
  SSE_MAX_VIEWERS_PER_CLIENT: z.coerce.number().int().min(1).max(100_000).default(20),
  SSE_MAX_VIEWERS: z.coerce.number().int().min(1).max(1_000_000).default(2_000),
  /** bytes a viewer may leave unread before its stream is dropped */
  SSE_MAX_UNSENT_BYTES: z.coerce.number().int().min(16 * 1024).max(256 * 1024 * 1024).default(1024 * 1024),
  /** DNS questions one check may ask (MX, A/AAAA, PTR and forward confirmation together) */
  PROBE_MAX_DNS_QUESTIONS: z.coerce.number().int().min(4).max(10_000).default(300),
  /** bytes one check may store (events and result together); what is over is truncated, and reported */
  CHECK_MAX_STORED_BYTES: z.coerce.number().int().min(64 * 1024).max(64 * 1024 * 1024).default(2 * 1024 * 1024),
  /** finished checks older than this are deleted (0 keeps them forever) */
  RETENTION_DAYS: z.coerce.number().int().min(0).max(36_500).default(30),
  /** server timeouts and connection caps, read by scripts/mxray-server.cjs (listed here to validate them once more) */
  SERVER_HEADERS_TIMEOUT_MS: z.coerce.number().int().min(500).max(120_000).default(10_000),
  SERVER_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(600_000).default(30_000),
  SERVER_KEEP_ALIVE_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(5_000),
  SERVER_MAX_CONNECTIONS: z.coerce.number().int().min(10).max(100_000).default(2_000),
  SERVER_MAX_CONNECTIONS_PER_CLIENT: z.coerce.number().int().min(1).max(100_000).default(100),
});

export type Env = z.infer<typeof EnvSchema> & { ehloName: string; limits: ProbeLimits };

export class EnvError extends Error {}

export function loadEnv(source: Record<string, string | undefined> = process.env): Env {
  const parsed = EnvSchema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(env)'}: ${i.message}`);
    throw new EnvError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  return {
    ...e,
    ehloName: e.PROBE_EHLO_NAME ?? defaultEhloName(),
    limits: {
      ...DEFAULT_LIMITS,
      connectTimeoutMs: e.PROBE_CONNECT_TIMEOUT_MS,
      greetingTimeoutMs: e.PROBE_GREETING_TIMEOUT_MS,
      commandTimeoutMs: e.PROBE_COMMAND_TIMEOUT_MS,
      tlsTimeoutMs: e.PROBE_TLS_TIMEOUT_MS,
      probeBudgetMs: e.PROBE_BUDGET_MS,
      checkBudgetMs: e.CHECK_BUDGET_MS,
      dnsTimeoutMs: e.DNS_TIMEOUT_MS,
      concurrency: e.PROBE_CONCURRENCY,
      maxHosts: e.PROBE_MAX_HOSTS,
      maxAddressesPerHost: e.PROBE_MAX_ADDRESSES_PER_HOST,
      maxDnsQuestions: e.PROBE_MAX_DNS_QUESTIONS,
    },
  };
}

let cached: Env | undefined;

/** The process's configuration, parsed on first use. */
export function getEnv(): Env {
  cached ??= loadEnv();
  return cached;
}
