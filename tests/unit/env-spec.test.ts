/**
 * The environment's rules are declared once (lib/env-spec.ts) and read twice: by the server's zod
 * schema (loadEnv) and by the CLI's reader without zod (readEnv). For every variable and a wide
 * set of values derived from its rule, both must give the same configuration, or refuse with the
 * same message naming the variable.
 */
import { describe, expect, it } from 'vitest';
import { ENV_SPEC, type EnvName, type VarRule } from '@/lib/env-spec';
import { EnvError, loadEnv, readEnv } from '@/lib/env';

/** Values every variable is tried with, whatever its rule. */
const COMMON = [undefined, '', ' ', 'abc', 'x'.repeat(300), '0', '1', '-1', '1.5', ' 7 ', 'NaN', 'Infinity', '1e3', '0x10', '9007199254740993', 'true', 'false', 'yes', 'no', 'TRUE', 'null'];

/** Values aimed at one rule: its bounds, its words, its default. */
function aimedAt(rule: VarRule): string[] {
  switch (rule.kind) {
    case 'int':
      return [rule.min - 1, rule.min, rule.min + 0.5, rule.max, rule.max + 1, rule.default ?? 5].map(String);
    case 'bool':
      return ['1', '0', 'Yes', 'on', 'off'];
    case 'enum':
      return [...rule.values, ...rule.values.map((v) => v.toUpperCase()), ...rule.values.map((v) => ` ${v}`)];
    case 'string':
      return [rule.default ?? 'mx.example.org', 'mx.example.org', 'relay-test@example.com', 'a@b', 'a'.repeat(15), 'a'.repeat(16), 'eu-west-1', 'eu west', '-lead'];
    case 'parse':
      return [
        '127.0.0.1',
        '127.0.0.1:5353',
        '[::1]:53',
        '127.0.0.0/8, ::1/128',
        '10.0.0.0/33',
        '1.1.1.1%eth0',
        'postgres://u:p@db:5432/mxray',
        'postgresql://db/x',
        'mysql://db/x',
        'postgres://db',
        'http://otel:4318',
        ' https://otel:4318/v1/traces ',
        'collector:4318',
        'redis://127.0.0.1:6379/2',
        'rediss://r',
        'eu-west, us-east',
        'eu west',
        '::1',
        '2001:db8::1',
      ];
  }
}

type Outcome = { ok: true; value: unknown } | { ok: false; message: string };

function outcome(read: (source: Record<string, string | undefined>) => unknown, source: Record<string, string | undefined>): Outcome {
  try {
    return { ok: true, value: read(source) };
  } catch (e) {
    if (!(e instanceof EnvError)) throw e;
    return { ok: false, message: e.message };
  }
}

describe('one declaration of the environment, two readers', () => {
  const names = Object.keys(ENV_SPEC) as EnvName[];

  it('declares every variable the configuration has', () => {
    expect(names.length).toBeGreaterThan(60);
    expect(Object.keys(readEnv({})).filter((k) => !names.includes(k as EnvName)).sort()).toEqual(['ehloName', 'limits']);
  });

  it.each(names)('%s: the zod schema and the CLI reader agree on every value tried', (name) => {
    const values = [...new Set([...COMMON, ...aimedAt(ENV_SPEC[name])])];
    let refused = 0;
    let accepted = 0;
    for (const raw of values) {
      const source = { [name]: raw };
      const server = outcome(loadEnv, source);
      const cli = outcome(readEnv, source);
      expect({ raw, cli }).toEqual({ raw, cli: server });
      if (server.ok) accepted++;
      else {
        refused++;
        // one line, naming the variable
        expect(server.message).toMatch(new RegExp(`^Invalid configuration:\\n {2}${name}: [^\\n]+$`));
      }
    }
    // every variable accepts something (unset, at least); every rule but free text refuses something
    expect(accepted).toBeGreaterThan(0);
    const rule: VarRule = ENV_SPEC[name];
    const freeText = (rule.kind === 'string' && !rule.pattern && rule.minLength === undefined) || name === 'NO_COLOR';
    expect(refused > 0).toBe(!freeText);
  });

  it('lists every refused variable, once each, in both readers', () => {
    const source = { PROBE_CONNECT_TIMEOUT_MS: '0.5', LOG_LEVEL: 'loud', PROBE_ALLOW_CIDRS: 'not-a-cidr', TRUST_PROXY: 'maybe' };
    const server = outcome(loadEnv, source);
    expect(outcome(readEnv, source)).toEqual(server);
    expect(server.ok).toBe(false);
    const lines = (server as { message: string }).message.split('\n').slice(1);
    expect(lines.map((l) => l.trim().split(':')[0]).sort()).toEqual(['LOG_LEVEL', 'PROBE_ALLOW_CIDRS', 'PROBE_CONNECT_TIMEOUT_MS', 'TRUST_PROXY']);
    expect(lines).toContain('  PROBE_CONNECT_TIMEOUT_MS: must be a whole number from 1 to 600000');
  });
});
