/**
 * Configuration from the environment, validated once. A bad value stops the process with a
 * message naming the variable; every variable is documented in README.md.
 */
import { isIP } from 'node:net';
import os from 'node:os';
import { z } from 'zod';
import { DEFAULT_LIMITS, type ProbeLimits } from '@/lib/probe/types';
import { parseDnsServers } from '@/lib/probe/dns/resolver';
import { parseCidrList } from '@/lib/probe/address-policy';
import { DEFAULT_RELAY_TEST_ADDRESS } from '@/lib/probe/relay/relay-verdict';
import { DEFAULT_LOCALE, localeFromTag, type Locale } from '@/lib/i18n/locales';

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
  /**
   * The TLS protocol matrix: extra handshakes per (address, port) that negotiated TLS to learn which
   * TLS versions and weak suites it accepts. false for the fast check (the matrix is left out).
   */
  PROBE_TLS_MATRIX: bool(true),
  /** matrix handshakes of one port at once (each also holds a PROBE_MAX_PER_TARGET slot) */
  PROBE_TLS_MATRIX_CONCURRENCY: z.coerce.number().int().min(1).max(8).default(3),
  /**
   * MAIL FROM and foreign RCPT TO of the open relay test. Keep it at a reserved domain (RFC 2606):
   * plain local@domain, nothing a bypass form could break (no %, !, quotes, spaces or brackets).
   */
  PROBE_RELAY_TEST_ADDRESS: z
    .string()
    .regex(
      /^[a-z0-9._+-]{1,64}@(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{1,63}$/i,
      'must be a plain address local@domain.tld (letters, digits, . _ + - before the @)',
    )
    .default(DEFAULT_RELAY_TEST_ADDRESS),
  // --- web app
  DATA_DIR: z.string().min(1).default('./data'),
  /** scaled mode: checks and events in PostgreSQL instead of the SQLite file under DATA_DIR */
  DATABASE_URL: z
    .string()
    .optional()
    .transform((s, ctx) => {
      if (!s || !s.trim()) return undefined;
      let url: URL;
      try {
        url = new URL(s.trim());
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be a URL: postgres://user:password@host:5432/database' });
        return z.NEVER;
      }
      if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
        ctx.addIssue({ code: 'custom', message: `must be a postgres:// URL (got ${url.protocol}//…)` });
        return z.NEVER;
      }
      if (!url.hostname || url.pathname.length <= 1) {
        ctx.addIssue({ code: 'custom', message: 'must name a host and a database: postgres://user:password@host:5432/database' });
        return z.NEVER;
      }
      return s.trim();
    }),
  /** connections each process keeps to DATABASE_URL */
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  MAX_CONCURRENT_CHECKS: z.coerce.number().int().min(1).max(10_000).default(50),
  CHECK_QUEUE_SIZE: z.coerce.number().int().min(0).max(10_000).default(50),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(10),
  RATE_LIMIT_BURST: z.coerce.number().int().min(1).max(100_000).default(5),
  TRUST_PROXY: bool(false),
  /** a domain checked within this many seconds is answered with that check instead of a new probe */
  DEDUPE_WINDOW_SECONDS: z.coerce.number().int().min(0).max(86_400).default(60),
  // --- read here so that no other module touches process.env
  /** Node's own extra trust anchors (PEM file); the probes' TLS context adds them to the root store */
  NODE_EXTRA_CA_CERTS: z.string().optional(),
  /** pretty logs in development unless 'false' */
  LOG_PRETTY: bool(true),
  // --- the CLI
  /** https://no-color.org: any non-empty value turns the CLI's colours off */
  NO_COLOR: z.string().optional().transform((v) => v !== undefined && v !== ''),
  /** POSIX locale variables, in their order of precedence: the CLI's report language without --lang */
  LC_ALL: z.string().optional(),
  LC_MESSAGES: z.string().optional(),
  LANG: z.string().optional(),
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
  /** embedded production server: run checks in a worker thread (lib/checks/thread-executor.ts); false runs them on the web thread */
  CHECK_RUNNER_THREAD: bool(true),
  /** finished checks older than this are deleted (0 keeps them forever) */
  RETENTION_DAYS: z.coerce.number().int().min(0).max(36_500).default(30),
  /** server timeouts and connection caps, read by scripts/mxray-server.cjs (listed here to validate them once more) */
  SERVER_HEADERS_TIMEOUT_MS: z.coerce.number().int().min(500).max(120_000).default(10_000),
  SERVER_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(600_000).default(30_000),
  SERVER_KEEP_ALIVE_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(5_000),
  SERVER_MAX_CONNECTIONS: z.coerce.number().int().min(10).max(100_000).default(2_000),
  SERVER_MAX_CONNECTIONS_PER_CLIENT: z.coerce.number().int().min(1).max(100_000).default(100),
  /** the address the web server listens on (set by scripts/start.mjs and the Dockerfile; Next's default is every interface) */
  HOSTNAME: z.string().optional(),
  // --- monitors and webhooks (issue 13)
  /** monitors one client may have (by the client key checks are rate-limited by) */
  MONITOR_MAX_PER_CLIENT: z.coerce.number().int().min(1).max(10_000).default(10),
  /** monitors in all; creating more is refused */
  MONITOR_MAX_TOTAL: z.coerce.number().int().min(1).max(10_000_000).default(1_000),
  /** how often the in-process scheduler looks for due runs and deliveries */
  MONITOR_POLL_SECONDS: z.coerce.number().int().min(1).max(3_600).default(15),
  /** upper bound of the random delay added to each run (never more than a tenth of its interval) */
  MONITOR_JITTER_SECONDS: z.coerce.number().int().min(0).max(86_400).default(300),
  /** monitor runs at once (each is a check through the runner; one per domain at a time) */
  MONITOR_MAX_CONCURRENT_RUNS: z.coerce.number().int().min(1).max(1_000).default(4),
  /** where webhooks may go although the address policy refuses the range, and where plain http is accepted */
  WEBHOOK_ALLOW_CIDRS: z
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
  /** one delivery attempt, DNS, connect, TLS and answer together */
  WEBHOOK_TIMEOUT_MS: ms(10_000),
  /** attempts per delivery, the first included */
  WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(8),
  /** delay before the first retry; doubles on each further one (with jitter), capped at an hour */
  WEBHOOK_RETRY_BASE_SECONDS: z.coerce.number().int().min(1).max(3_600).default(30),
  /** bytes of a receiver's answer read before the connection is dropped */
  WEBHOOK_MAX_RESPONSE_BYTES: z.coerce.number().int().min(1_024).max(16 * 1024 * 1024).default(64 * 1024),
  // --- operations (lib/observability): metrics, traces
  /** Prometheus endpoint port; unset or 0: no metrics server (and no metrics collected) */
  METRICS_PORT: z.coerce.number().int().min(0).max(65_535).default(0),
  /** address the metrics server binds; anything but loopback requires METRICS_TOKEN */
  METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  /** bearer token the metrics endpoint requires (always when set; mandatory off loopback) */
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /** where this process's probes leave from, as the `vantage` label (a short fixed name) */
  MXRAY_VANTAGE: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_.-]{0,31}$/i, 'must be a short name: letters, digits, . _ -')
    .default('default'),
  /** OTLP/HTTP collector base URL (…/v1/traces is appended); unset: no tracing */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  /** OTLP/HTTP traces URL, used as is; wins over OTEL_EXPORTER_OTLP_ENDPOINT */
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  OTEL_SDK_DISABLED: bool(false),
  /** mxray's exporter speaks OTLP/HTTP with JSON bodies; another protocol is reported at start */
  OTEL_EXPORTER_OTLP_PROTOCOL: z.enum(['http/json', 'http/protobuf', 'grpc']).optional(),
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: z.enum(['http/json', 'http/protobuf', 'grpc']).optional(),
  // --- scaled mode (issue 11): README "Scaling out"
  /** Redis (redis://[user:pass@]host:port[/db]): with it, the web tier enqueues and workers probe */
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  /** prefix of every Redis key mxray writes (queues, rate limits, channels), so instances can share a Redis */
  REDIS_PREFIX: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_.-]{0,63}$/i, 'letters, digits, . _ -')
    .default('mxray'),
  /** this process's vantage (worker label); wins over MXRAY_VANTAGE */
  VANTAGE: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_.-]{0,31}$/i, 'must be a short name: letters, digits, . _ -')
    .optional(),
  /** vantages the web tier accepts even while none of their workers is up (comma-separated) */
  VANTAGES: z
    .string()
    .optional()
    .transform((s, ctx) => {
      const list = (s ?? '').split(',').map((v) => v.trim()).filter(Boolean);
      const bad = list.find((v) => !/^[a-z0-9][a-z0-9_.-]{0,31}$/i.test(v));
      if (bad !== undefined) {
        ctx.addIssue({ code: 'custom', message: `${JSON.stringify(bad)} is not a vantage name` });
        return z.NEVER;
      }
      return list;
    }),
  /** the local address probe connections leave from (an IP literal of this machine) */
  PROBE_SOURCE_ADDRESS: z
    .string()
    .optional()
    .refine((v) => v === undefined || v === '' || isIP(v) !== 0, 'must be an IP address literal'),
  /** checks one worker runs at once (default MAX_CONCURRENT_CHECKS) */
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(10_000).optional(),
  /** a worker silent this long (killed, frozen) loses its checks to another worker (BullMQ lock) */
  WORKER_LOCK_MS: z.coerce.number().int().min(1_000).max(600_000).default(15_000),
  /** on SIGTERM, how long a worker lets its running checks finish before interrupting them */
  WORKER_DRAIN_MS: z.coerce.number().int().min(0).max(600_000).default(30_000),
});

export type Env = z.infer<typeof EnvSchema> & { ehloName: string; limits: ProbeLimits };

export class EnvError extends Error {}

/** True when the web server listens only on loopback (Next's standalone server binds 0.0.0.0 when unset). */
export function listensOnLoopbackOnly(hostname: string | undefined): boolean {
  const h = (hostname ?? '').trim().toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/**
 * A server others can reach must announce a configured public name in EHLO: the host name of a
 * container or a cloud machine is neither public nor ours to announce to other people's servers.
 * A production server on loopback only (`npm start`'s default, a trial on one's own machine)
 * falls back to the machine's name like the CLI does, so the quick start needs no setting.
 */
export function assertEhloNameConfigured(env: Pick<Env, 'NODE_ENV' | 'PROBE_EHLO_NAME' | 'HOSTNAME'>): void {
  if (env.NODE_ENV === 'production' && !env.PROBE_EHLO_NAME && !listensOnLoopbackOnly(env.HOSTNAME)) {
    throw new EnvError(
      'Invalid configuration:\n  PROBE_EHLO_NAME: required when the server listens on a non-loopback address: the public host name mxray announces in EHLO',
    );
  }
}

export function loadEnv(source: Record<string, string | undefined> = process.env): Env {
  // Parsed once per process: zod's JIT (it generates and compiles a parser for the object's ~60
  // keys) costs more than it saves on a single parse, and it sat on the CLI's start-up path.
  const parsed = EnvSchema.safeParse(source, { jitless: true });
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(env)'}: ${i.message}`);
    throw new EnvError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  return {
    ...e,
    MXRAY_VANTAGE: e.VANTAGE ?? e.MXRAY_VANTAGE,
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

/**
 * Validates the environment at start-up (the server's instrumentation register(), the CLI's
 * entry): on a bad value, prints which variable and why, and stops the process before it serves.
 */
export function validateEnvOrExit(write: (text: string) => void = (t) => process.stderr.write(t)): Env {
  try {
    return getEnv();
  } catch (e) {
    if (!(e instanceof EnvError)) throw e;
    write(`mxray: ${e.message}\n`);
    process.exit(1);
  }
}

/**
 * The logger's settings. Never throws: the logger is built before anything can report a bad
 * environment, and start-up validation (validateEnvOrExit) stops the process on one anyway.
 */
export function logSettings(source: Record<string, string | undefined> = process.env): { level: string; pretty: boolean } {
  const parsed = EnvSchema.pick({ NODE_ENV: true, LOG_LEVEL: true, LOG_PRETTY: true }).safeParse(source);
  const nodeEnv = parsed.success ? parsed.data.NODE_ENV : 'production';
  // Tests are quiet unless they ask: LOG_LEVEL set explicitly wins.
  const level = source.LOG_LEVEL && parsed.success ? parsed.data.LOG_LEVEL : nodeEnv === 'test' ? 'silent' : 'info';
  return { level, pretty: nodeEnv === 'development' && (parsed.success ? parsed.data.LOG_PRETTY : true) };
}

/** The CLI's language: --lang wins, then LC_ALL, LC_MESSAGES and LANG, else English. */
export function cliLocale(flag: string | undefined, env: Pick<Env, 'LC_ALL' | 'LC_MESSAGES' | 'LANG'>): Locale {
  return localeFromTag(flag) ?? localeFromTag(env.LC_ALL) ?? localeFromTag(env.LC_MESSAGES) ?? localeFromTag(env.LANG) ?? DEFAULT_LOCALE;
}

/** True in `next dev` (the Content-Security-Policy relaxes for React's dev tooling). */
export function isDevelopment(): boolean {
  return process.env.NODE_ENV === 'development';
}

/** The process's configuration, parsed on first use. */
export function getEnv(): Env {
  cached ??= loadEnv();
  return cached;
}
