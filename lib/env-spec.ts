/**
 * Every environment variable's rule, declared once, as data. Two readers interpret it: the
 * server's zod schema (lib/env.ts builds it from these rules) and the CLI's reader
 * (lib/env-read.ts, no zod: compiling zod was the largest item of `mxray check`'s start-up).
 * tests/unit/env-spec.test.ts holds both to the same answer, value or message, for every variable.
 * Every variable is documented in README.md.
 */
import { isIP } from 'node:net';
import { parseCidrList } from '@/lib/probe/address-policy';
import { parseDnsServers } from '@/lib/probe/dns/resolver';
import { DEFAULT_RELAY_TEST_ADDRESS } from '@/lib/probe/relay/relay-verdict';
import { DEFAULT_LIMITS } from '@/lib/probe/types';

/** A whole number within bounds (parsed as `Number(text)`); absent: `default`, or undefined. */
export interface IntRule<D extends number | undefined = number | undefined> {
  kind: 'int';
  min: number;
  max: number;
  default: D;
}
/** true/1/yes or false/0/no (empty: false); absent: `default`. */
export interface BoolRule {
  kind: 'bool';
  default: boolean;
}
export interface EnumRule<V extends string = string, D extends V | undefined = V | undefined> {
  kind: 'enum';
  values: readonly [V, ...V[]];
  default: D;
}
/** Text, optionally at least `minLength` long and matching `pattern` (`message` says what is wanted). */
export interface StringRule<D extends string | undefined = string | undefined> {
  kind: 'string';
  default: D;
  minLength?: number;
  pattern?: RegExp;
  message?: string;
}
/** Anything else: `parse` gets the raw value (undefined when unset) and throws an Error saying what is wrong. */
export interface ParseRule<T = unknown> {
  kind: 'parse';
  parse: (raw: string | undefined) => T;
}
export type VarRule = IntRule | BoolRule | EnumRule | StringRule | ParseRule;

/** What a rule yields. */
export type RuleValue<R> = R extends IntRule<infer D>
  ? D extends number ? number : number | undefined
  : R extends BoolRule
    ? boolean
    : R extends EnumRule<infer V, infer D>
      ? D extends string ? V : V | undefined
      : R extends StringRule<infer D>
        ? D extends string ? string : string | undefined
        : R extends ParseRule<infer T>
          ? T
          : never;

function int(min: number, max: number): IntRule<undefined>;
function int(min: number, max: number, def: number): IntRule<number>;
function int(min: number, max: number, def?: number): IntRule {
  return { kind: 'int', min, max, default: def };
}
const ms = (def: number) => int(1, 600_000, def);
const bool = (def: boolean): BoolRule => ({ kind: 'bool', default: def });
function oneOf<const V extends string>(values: readonly [V, ...V[]]): EnumRule<V, undefined>;
function oneOf<const V extends string>(values: readonly [V, ...V[]], def: NoInfer<V>): EnumRule<V, V>;
function oneOf<const V extends string>(values: readonly [V, ...V[]], def?: V): EnumRule<V> {
  return { kind: 'enum', values, default: def };
}
function text(rule?: Omit<StringRule, 'kind' | 'default'>): StringRule<undefined>;
function text(rule: Omit<StringRule, 'kind' | 'default'>, def: string): StringRule<string>;
function text(rule: Omit<StringRule, 'kind' | 'default'> = {}, def?: string): StringRule {
  return { kind: 'string', ...rule, default: def };
}
const parse = <T>(fn: (raw: string | undefined) => T): ParseRule<T> => ({ kind: 'parse', parse: fn });

/** The words a boolean variable accepts ('' reads as false). */
export const BOOL_WORDS = ['true', 'false', '1', '0', 'yes', 'no', ''] as const;
export const isTrueWord = (v: string): boolean => v === 'true' || v === '1' || v === 'yes';

/** The one message each rule gives for a value it refuses (both readers print it). */
export function ruleMessage(rule: IntRule | BoolRule | EnumRule | StringRule): string {
  switch (rule.kind) {
    case 'int':
      return `must be a whole number from ${rule.min} to ${rule.max}`;
    case 'bool':
      return 'must be true or false (or 1/0, yes/no)';
    case 'enum':
      return `must be one of: ${rule.values.join(', ')}`;
    case 'string':
      return rule.message ?? `must be at least ${rule.minLength ?? 1} characters`;
  }
}

/** A comma-separated list, empty when unset or blank. */
const list = (parseList: (s: string) => string[]) => parse((s) => (!s || !s.trim() ? ([] as string[]) : parseList(s)));

/** An absolute URL whose scheme `protocol` accepts (surrounding spaces dropped). */
const urlOf = (protocol: RegExp, wanted: string) =>
  parse((s) => {
    if (s === undefined) return undefined;
    const trimmed = s.trim();
    let url: URL;
    try {
      url = new URL(trimmed);
    } catch {
      throw new Error(`must be a URL: ${wanted}`);
    }
    if (!protocol.test(url.protocol.replace(/:$/, ''))) throw new Error(`must be a URL: ${wanted}`);
    return trimmed;
  });

const HOST_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{1,63}$/i;
const SHORT_NAME = /^[a-z0-9][a-z0-9_.-]{0,31}$/i;
const SHORT_NAME_MESSAGE = 'must be a short name: letters, digits, . _ -';
const OTLP_PROTOCOLS = ['http/json', 'http/protobuf', 'grpc'] as const;

export const ENV_SPEC = {
  NODE_ENV: oneOf(['development', 'production', 'test'], 'production'),
  LOG_LEVEL: oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'info'),
  DNS_SERVERS: list(parseDnsServers),
  PROBE_ALLOW_CIDRS: list(parseCidrList),
  PROBE_EHLO_NAME: text({ pattern: HOST_NAME, message: 'must be a fully qualified host name' }),
  /** accept special-use names such as *.test (RFC 6761): for tests, the demo and private setups */
  ALLOW_TEST_DOMAINS: bool(false),
  PROBE_CONNECT_TIMEOUT_MS: ms(DEFAULT_LIMITS.connectTimeoutMs),
  PROBE_GREETING_TIMEOUT_MS: ms(DEFAULT_LIMITS.greetingTimeoutMs),
  PROBE_COMMAND_TIMEOUT_MS: ms(DEFAULT_LIMITS.commandTimeoutMs),
  PROBE_TLS_TIMEOUT_MS: ms(DEFAULT_LIMITS.tlsTimeoutMs),
  PROBE_BUDGET_MS: ms(DEFAULT_LIMITS.probeBudgetMs),
  CHECK_BUDGET_MS: ms(DEFAULT_LIMITS.checkBudgetMs),
  DNS_TIMEOUT_MS: ms(DEFAULT_LIMITS.dnsTimeoutMs),
  PROBE_CONCURRENCY: int(1, 256, DEFAULT_LIMITS.concurrency),
  /** port probes at once to one target IP address across all checks (per-target fairness) */
  PROBE_MAX_PER_TARGET: int(1, 10_000, 8),
  PROBE_MAX_HOSTS: int(1, 50, DEFAULT_LIMITS.maxHosts),
  PROBE_MAX_ADDRESSES_PER_HOST: int(1, 16, DEFAULT_LIMITS.maxAddressesPerHost),
  /**
   * The TLS protocol matrix: extra handshakes per (address, port) that negotiated TLS to learn which
   * TLS versions and weak suites it accepts. false for the fast check (the matrix is left out).
   */
  PROBE_TLS_MATRIX: bool(true),
  /** matrix handshakes of one port at once (each also holds a PROBE_MAX_PER_TARGET slot) */
  PROBE_TLS_MATRIX_CONCURRENCY: int(1, 8, 3),
  /**
   * MAIL FROM and foreign RCPT TO of the open relay test. Keep it at a reserved domain (RFC 2606):
   * plain local@domain, nothing a bypass form could break (no %, !, quotes, spaces or brackets).
   */
  PROBE_RELAY_TEST_ADDRESS: text(
    {
      pattern: /^[a-z0-9._+-]{1,64}@(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{1,63}$/i,
      message: 'must be a plain address local@domain.tld (letters, digits, . _ + - before the @)',
    },
    DEFAULT_RELAY_TEST_ADDRESS,
  ),
  // --- web app
  DATA_DIR: text({ minLength: 1, message: 'must not be empty' }, './data'),
  /** scaled mode: checks and events in PostgreSQL instead of the SQLite file under DATA_DIR */
  DATABASE_URL: parse((s) => {
    if (!s || !s.trim()) return undefined;
    let url: URL;
    try {
      url = new URL(s.trim());
    } catch {
      throw new Error('must be a URL: postgres://user:password@host:5432/database');
    }
    if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') throw new Error(`must be a postgres:// URL (got ${url.protocol}//…)`);
    if (!url.hostname || url.pathname.length <= 1) throw new Error('must name a host and a database: postgres://user:password@host:5432/database');
    return s.trim();
  }),
  /** connections each process keeps to DATABASE_URL */
  DATABASE_POOL_SIZE: int(1, 200, 10),
  MAX_CONCURRENT_CHECKS: int(1, 10_000, 50),
  CHECK_QUEUE_SIZE: int(0, 10_000, 50),
  RATE_LIMIT_PER_MINUTE: int(1, 100_000, 10),
  RATE_LIMIT_BURST: int(1, 100_000, 5),
  TRUST_PROXY: bool(false),
  /** a domain checked within this many seconds is answered with that check instead of a new probe */
  DEDUPE_WINDOW_SECONDS: int(0, 86_400, 60),
  // --- read here so that no other module touches process.env
  /** Node's own extra trust anchors (PEM file); the probes' TLS context adds them to the root store */
  NODE_EXTRA_CA_CERTS: text(),
  /** pretty logs in development unless 'false' */
  LOG_PRETTY: bool(true),
  // --- the CLI
  /** https://no-color.org: any non-empty value turns the CLI's colours off */
  NO_COLOR: parse((v) => v !== undefined && v !== ''),
  /** POSIX locale variables, in their order of precedence: the CLI's report language without --lang */
  LC_ALL: text(),
  LC_MESSAGES: text(),
  LANG: text(),
  // --- hosting safety (issue 10)
  /** with TRUST_PROXY: how many proxies of ours append to X-Forwarded-For (read by scripts/mxray-server.cjs) */
  TRUST_PROXY_HOPS: int(1, 10, 1),
  /** IPv6 clients share one rate-limit key per prefix of this length */
  CLIENT_IPV6_PREFIX: int(32, 128, 56),
  /** checks one client may have queued or running at once */
  MAX_RUNNING_PER_CLIENT: int(1, 10_000, 3),
  /** live-event viewers (SSE streams): per check, per client, overall */
  SSE_MAX_VIEWERS_PER_CHECK: int(1, 100_000, 50),
  SSE_MAX_VIEWERS_PER_CLIENT: int(1, 100_000, 20),
  SSE_MAX_VIEWERS: int(1, 1_000_000, 2_000),
  /** bytes a viewer may leave unread before its stream is dropped */
  SSE_MAX_UNSENT_BYTES: int(16 * 1024, 256 * 1024 * 1024, 1024 * 1024),
  /**
   * production server: serve GET /api/checks/:id/events beside Next's router (lib/http/direct-route.ts),
   * so an open stream does not hold Next's per-request state; false serves them through Next
   */
  SSE_DIRECT_STREAMS: bool(true),
  /**
   * production server: answer POST /api/checks beside Next's router (lib/http/direct-route.ts), with
   * the same handler and headers; false answers them through Next
   */
  CHECK_POSTS_DIRECT: bool(true),
  /** DNS questions one check may ask (MX, A/AAAA, PTR and forward confirmation together) */
  PROBE_MAX_DNS_QUESTIONS: int(4, 10_000, 300),
  /** bytes one check may store (events and result together); what is over is truncated, and reported */
  CHECK_MAX_STORED_BYTES: int(64 * 1024, 64 * 1024 * 1024, 2 * 1024 * 1024),
  /** embedded production server: run checks in a worker thread (lib/checks/thread-executor.ts); false runs them on the web thread */
  CHECK_RUNNER_THREAD: bool(true),
  /**
   * the nice value of that thread (Linux; 0 leaves it at the web thread's): probing yields the CPU
   * to HTTP when the machine has more work than cores. Its SQLite writes are another thread's.
   */
  CHECK_RUNNER_NICE: int(0, 19, 10),
  /** finished checks older than this are deleted (0 keeps them forever) */
  RETENTION_DAYS: int(0, 36_500, 30),
  /** server timeouts and connection caps, read by scripts/mxray-server.cjs (listed here to validate them once more) */
  SERVER_HEADERS_TIMEOUT_MS: int(500, 120_000, 10_000),
  SERVER_REQUEST_TIMEOUT_MS: int(1_000, 600_000, 30_000),
  SERVER_KEEP_ALIVE_TIMEOUT_MS: int(100, 120_000, 5_000),
  SERVER_MAX_CONNECTIONS: int(10, 100_000, 2_000),
  SERVER_MAX_CONNECTIONS_PER_CLIENT: int(1, 100_000, 100),
  /** each V8 heap may grow this far past its live size between major collections (0: V8's own factor, up to 4x) */
  SERVER_HEAP_GROWING_PERCENT: int(0, 400, 20),
  /** the address the web server listens on (set by scripts/start.mjs and the Dockerfile; Next's default is every interface) */
  HOSTNAME: text(),
  // --- monitors and webhooks (issue 13)
  /** monitors one client may have (by the client key checks are rate-limited by) */
  MONITOR_MAX_PER_CLIENT: int(1, 10_000, 10),
  /** monitors in all; creating more is refused */
  MONITOR_MAX_TOTAL: int(1, 10_000_000, 1_000),
  /** how often the in-process scheduler looks for due runs and deliveries */
  MONITOR_POLL_SECONDS: int(1, 3_600, 15),
  /** upper bound of the random delay added to each run (never more than a tenth of its interval) */
  MONITOR_JITTER_SECONDS: int(0, 86_400, 300),
  /** "Run now" is refused (429, Retry-After) until this long after a monitor's latest run started */
  MONITOR_RUN_NOW_COOLDOWN_SECONDS: int(0, 86_400, 300),
  /** monitor runs at once (each is a check through the runner; one per domain at a time) */
  MONITOR_MAX_CONCURRENT_RUNS: int(1, 1_000, 4),
  /** where webhooks may go although the address policy refuses the range, and where plain http is accepted */
  WEBHOOK_ALLOW_CIDRS: list(parseCidrList),
  /** one delivery attempt, DNS, connect, TLS and answer together */
  WEBHOOK_TIMEOUT_MS: ms(10_000),
  /** attempts per delivery, the first included */
  WEBHOOK_MAX_ATTEMPTS: int(1, 20, 8),
  /** delay before the first retry; doubles on each further one (with jitter), capped at an hour */
  WEBHOOK_RETRY_BASE_SECONDS: int(1, 3_600, 30),
  /** bytes of a receiver's answer read before the connection is dropped */
  WEBHOOK_MAX_RESPONSE_BYTES: int(1_024, 16 * 1024 * 1024, 64 * 1024),
  // --- operations (lib/observability): metrics, traces
  /** Prometheus endpoint port; unset or 0: no metrics server (and no metrics collected) */
  METRICS_PORT: int(0, 65_535, 0),
  /** address the metrics server binds; anything but loopback requires METRICS_TOKEN */
  METRICS_HOST: text({ minLength: 1, message: 'must not be empty' }, '127.0.0.1'),
  /** bearer token the metrics endpoint requires (always when set; mandatory off loopback) */
  METRICS_TOKEN: text({ minLength: 16, message: 'must be at least 16 characters' }),
  /** where this process's probes leave from, as the `vantage` label (a short fixed name) */
  MXRAY_VANTAGE: text({ pattern: SHORT_NAME, message: SHORT_NAME_MESSAGE }, 'default'),
  /** OTLP/HTTP collector base URL (…/v1/traces is appended); unset: no tracing */
  OTEL_EXPORTER_OTLP_ENDPOINT: urlOf(/^https?$/, 'http(s)://host:port'),
  /** OTLP/HTTP traces URL, used as is; wins over OTEL_EXPORTER_OTLP_ENDPOINT */
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: urlOf(/^https?$/, 'http(s)://host:port/v1/traces'),
  OTEL_SDK_DISABLED: bool(false),
  /** mxray's exporter speaks OTLP/HTTP with JSON bodies; another protocol is reported at start */
  OTEL_EXPORTER_OTLP_PROTOCOL: oneOf(OTLP_PROTOCOLS),
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: oneOf(OTLP_PROTOCOLS),
  // --- scaled mode (issue 11): README "Scaling out"
  /** Redis (redis://[user:pass@]host:port[/db]): with it, the web tier enqueues and workers probe */
  REDIS_URL: urlOf(/^rediss?$/, 'redis://[user:password@]host:port[/db]'),
  /** prefix of every Redis key mxray writes (queues, rate limits, channels), so instances can share a Redis */
  REDIS_PREFIX: text({ pattern: /^[a-z0-9][a-z0-9_.-]{0,63}$/i, message: 'letters, digits, . _ -' }, 'mxray'),
  /** this process's vantage (worker label); wins over MXRAY_VANTAGE */
  VANTAGE: text({ pattern: SHORT_NAME, message: SHORT_NAME_MESSAGE }),
  /** vantages the web tier accepts even while none of their workers is up (comma-separated) */
  VANTAGES: parse((s) => {
    const names = (s ?? '').split(',').map((v) => v.trim()).filter(Boolean);
    const bad = names.find((v) => !SHORT_NAME.test(v));
    if (bad !== undefined) throw new Error(`${JSON.stringify(bad)} is not a vantage name`);
    return names;
  }),
  /** the local address probe connections leave from (an IP literal of this machine) */
  PROBE_SOURCE_ADDRESS: parse((v) => {
    if (v !== undefined && v !== '' && isIP(v) === 0) throw new Error('must be an IP address literal');
    return v;
  }),
  /** checks one worker runs at once (default MAX_CONCURRENT_CHECKS) */
  WORKER_CONCURRENCY: int(1, 10_000),
  /** a worker silent this long (killed, frozen) loses its checks to another worker (BullMQ lock) */
  WORKER_LOCK_MS: int(1_000, 600_000, 15_000),
  /** on SIGTERM, how long a worker lets its running checks finish before interrupting them */
  WORKER_DRAIN_MS: int(0, 600_000, 30_000),
} satisfies Record<string, VarRule>;

export type EnvName = keyof typeof ENV_SPEC;
/** Each variable's value once read. */
export type EnvValues = { [K in EnvName]: RuleValue<(typeof ENV_SPEC)[K]> };
