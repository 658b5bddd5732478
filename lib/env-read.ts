/**
 * The environment read without zod, from the rules of lib/env-spec.ts: the CLI's `mxray check`
 * validates its environment here, so it neither loads nor compiles zod on every start. The server
 * reads the same rules through its zod schema (lib/env.ts); both end in `envFromValues` and give
 * the same values and the same messages (tests/unit/env-spec.test.ts).
 */
import os from 'node:os';
import { DEFAULT_LOCALE, localeFromTag, type Locale } from '@/lib/i18n/locales';
import { BOOL_WORDS, ENV_SPEC, isTrueWord, ruleMessage, type EnvName, type EnvValues, type VarRule } from '@/lib/env-spec';
import type { ProbeLimits } from '@/lib/probe/types';
import { DEFAULT_LIMITS } from '@/lib/probe/types';

export type Env = EnvValues & { ehloName: string; limits: ProbeLimits };

export class EnvError extends Error {}

export interface EnvIssue {
  name: string;
  message: string;
}

/** One variable: its value, or the message saying why it is refused. */
export function readVar(rule: VarRule, raw: string | undefined): { ok: true; value: unknown } | { ok: false; message: string } {
  const bad = () => ({ ok: false as const, message: ruleMessage(rule as Exclude<VarRule, { kind: 'parse' }>) });
  switch (rule.kind) {
    case 'int': {
      if (raw === undefined) return { ok: true, value: rule.default };
      const n = Number(raw);
      return Number.isSafeInteger(n) && n >= rule.min && n <= rule.max ? { ok: true, value: n } : bad();
    }
    case 'bool':
      if (raw === undefined) return { ok: true, value: rule.default };
      return (BOOL_WORDS as readonly string[]).includes(raw) ? { ok: true, value: isTrueWord(raw) } : bad();
    case 'enum':
      if (raw === undefined) return { ok: true, value: rule.default };
      return (rule.values as readonly string[]).includes(raw) ? { ok: true, value: raw } : bad();
    case 'string':
      if (raw === undefined) return { ok: true, value: rule.default };
      return raw.length >= (rule.minLength ?? 0) && (!rule.pattern || rule.pattern.test(raw)) ? { ok: true, value: raw } : bad();
    case 'parse':
      try {
        return { ok: true, value: rule.parse(raw) };
      } catch (e) {
        return { ok: false, message: (e as Error).message };
      }
  }
}

/** The error a refused environment stops the process with: one line per variable, named. */
export function envErrorFrom(issues: EnvIssue[]): EnvError {
  const lines = [...new Set(issues.map((i) => `  ${i.name || '(env)'}: ${i.message}`))];
  return new EnvError(`Invalid configuration:\n${lines.join('\n')}`);
}

/** A host name we can announce in EHLO: the machine's FQDN when it has one. */
function defaultEhloName(): string {
  const h = os.hostname().toLowerCase();
  return h.includes('.') ? h : `${h || 'mxray'}.localdomain`;
}

/** The configuration from the variables' values: what several of them decide together. */
export function envFromValues(e: EnvValues): Env {
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

/** Only the named variables, read without throwing: each refused one is listed in `issues`. */
export function readVars<K extends EnvName>(names: readonly K[], source: Record<string, string | undefined>): { values: Pick<EnvValues, K>; issues: EnvIssue[] } {
  const values: Record<string, unknown> = {};
  const issues: EnvIssue[] = [];
  for (const name of names) {
    const r = readVar(ENV_SPEC[name], source[name]);
    if (r.ok) values[name] = r.value;
    else issues.push({ name, message: r.message });
  }
  return { values: values as Pick<EnvValues, K>, issues };
}

/** The whole environment by the rules of lib/env-spec.ts, without zod; throws EnvError naming every refused variable. */
export function readEnv(source: Record<string, string | undefined> = process.env): Env {
  const { values, issues } = readVars(Object.keys(ENV_SPEC) as EnvName[], source);
  if (issues.length > 0) throw envErrorFrom(issues);
  return envFromValues(values);
}

/** The CLI's language: --lang wins, then LC_ALL, LC_MESSAGES and LANG, else English. */
export function cliLocale(flag: string | undefined, env: Partial<Pick<Env, 'LC_ALL' | 'LC_MESSAGES' | 'LANG'>>): Locale {
  return localeFromTag(flag) ?? localeFromTag(env.LC_ALL) ?? localeFromTag(env.LC_MESSAGES) ?? localeFromTag(env.LANG) ?? DEFAULT_LOCALE;
}
