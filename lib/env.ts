/**
 * Configuration from the environment, validated once. A bad value stops the process with a
 * message naming the variable; every variable is documented in README.md. The rules are declared
 * once, in lib/env-spec.ts: the server validates them with the zod schema built here from them,
 * the CLI with lib/env-read.ts (no zod on its start-up path).
 */
import { z } from 'zod';
import { BOOL_WORDS, ENV_SPEC, isTrueWord, ruleMessage, type EnvValues, type VarRule } from '@/lib/env-spec';
import { envErrorFrom, envFromValues, EnvError, readVars, type Env } from '@/lib/env-read';

export { cliLocale, EnvError, readEnv, type Env } from '@/lib/env-read';

/** A rule of lib/env-spec.ts as a zod schema, giving the messages lib/env-read.ts gives. */
function zodRule(rule: VarRule): z.ZodType {
  if (rule.kind === 'parse') {
    return z
      .string()
      .optional()
      .transform((raw, ctx) => {
        try {
          return rule.parse(raw);
        } catch (e) {
          ctx.addIssue({ code: 'custom', message: (e as Error).message });
          return z.NEVER;
        }
      });
  }
  const error = ruleMessage(rule);
  switch (rule.kind) {
    case 'int': {
      const n = z.coerce.number({ error }).int({ error }).min(rule.min, { error }).max(rule.max, { error });
      return rule.default === undefined ? n.optional() : n.default(rule.default);
    }
    case 'bool':
      return z.enum(BOOL_WORDS, { error }).default(rule.default ? 'true' : 'false').transform(isTrueWord);
    case 'enum': {
      const e = z.enum(rule.values, { error });
      return rule.default === undefined ? e.optional() : e.default(rule.default);
    }
    case 'string': {
      let s = z.string({ error });
      if (rule.minLength !== undefined) s = s.min(rule.minLength, { error });
      if (rule.pattern) s = s.regex(rule.pattern, { error });
      return rule.default === undefined ? s.optional() : s.default(rule.default);
    }
  }
}

const EnvSchema = z.object(Object.fromEntries(Object.entries(ENV_SPEC).map(([name, rule]) => [name, zodRule(rule)]))) as unknown as z.ZodType<EnvValues>;


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
  // keys) costs more than it saves on a single parse.
  const parsed = EnvSchema.safeParse(source, { jitless: true });
  if (!parsed.success) throw envErrorFrom(parsed.error.issues.map((i) => ({ name: i.path.join('.'), message: i.message })));
  return envFromValues(parsed.data);
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
  const { values, issues } = readVars(['NODE_ENV', 'LOG_LEVEL', 'LOG_PRETTY'] as const, source);
  const ok = issues.length === 0;
  const nodeEnv = ok ? values.NODE_ENV : 'production';
  // Tests are quiet unless they ask: LOG_LEVEL set explicitly wins.
  const level = source.LOG_LEVEL && ok ? values.LOG_LEVEL : nodeEnv === 'test' ? 'silent' : 'info';
  return { level, pretty: nodeEnv === 'development' && (ok ? values.LOG_PRETTY : true) };
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

/**
 * One setting, or `fallback` when the configuration does not parse: for paths that must answer
 * anyway (request headers, links). A bad configuration stops the server at start-up
 * (instrumentation.ts) and is reported there; the fallback only covers one slipping through.
 */
export function envSetting<K extends keyof Env>(key: K, fallback: Env[K]): Env[K] {
  try {
    return getEnv()[key];
  } catch {
    return fallback;
  }
}
