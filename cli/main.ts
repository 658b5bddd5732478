/**
 * mxray CLI: `mxray check <domain> [--json] [--host <name>]`.
 * Exit codes: 0 no critical finding, 1 a critical finding, 2 bad input or nothing to probe
 * because DNS failed.
 */
import { parseArgs } from 'node:util';
import { EnvError, loadEnv } from '@/lib/env';
import { createEngine, engineConfigFromEnv } from '@/lib/probe/create-engine';
import { addressesUnknown } from '@/lib/probe/dns/address-lookup';
import type { CheckResult } from '@/lib/probe/schema';
import { DEFAULT_LOCALE, localeFromTag, type Locale } from '@/lib/i18n/locales';
import { formatReport } from './format-report';

const USAGE = `Usage:
  mxray check <domain> [--json]       test the MX servers of a domain on ports 25, 465, 587, 2525
  mxray check --host <name> [--json]  test one mail server (e.g. a submission server)

Options:
  --json        print the result as JSON only (schema: public/schema/check-result.schema.json)
  --lang <en|fr>  language of the report (default: LC_ALL, LC_MESSAGES or LANG, else English)
  --host NAME   test this server instead of a domain's MX hosts
  --no-color    plain output even on a terminal
  -h, --help    this help
  -v, --version the version

Environment: DNS_SERVERS, PROBE_ALLOW_CIDRS, PROBE_EHLO_NAME, ALLOW_TEST_DOMAINS, timeouts (README).
Exit status: 0 no critical finding, 1 a critical finding, 2 bad input or DNS failure.`;

export const EXIT = { OK: 0, CRITICAL: 1, INPUT: 2 } as const;

const ANSWERED = new Set(['ok', 'nodata']);

/**
 * DNS said nothing usable: a failure of the lookup, not a finding about mail servers. That is the
 * MX lookup failing, every host's addresses failing to resolve, or (host mode) a server name that
 * does not resolve at all.
 */
function dnsFailed(r: CheckResult): boolean {
  if (r.dns.mxKind === 'none' && !ANSWERED.has(r.dns.mx.status)) return true;
  const hosts = r.dns.hosts;
  if (hosts.length === 0) return false;
  if (hosts.every(addressesUnknown)) return true;
  return r.target.mode === 'host' && hosts.every((h) => h.addresses.length === 0 && !ANSWERED.has(h.a.status) && !ANSWERED.has(h.aaaa.status));
}

export function exitCodeFor(r: CheckResult): number {
  if (dnsFailed(r)) return EXIT.INPUT;
  return r.findings.some((f) => f.severity === 'critical' && !f.untested) ? EXIT.CRITICAL : EXIT.OK;
}

/** --lang wins, then the POSIX locale variables in their order of precedence (LC_ALL, LC_MESSAGES, LANG). */
export function cliLocale(flag: string | undefined, env: Record<string, string | undefined> = process.env): Locale {
  return localeFromTag(flag) ?? localeFromTag(env.LC_ALL) ?? localeFromTag(env.LC_MESSAGES) ?? localeFromTag(env.LANG) ?? DEFAULT_LOCALE;
}

export async function main(argv: string[], io = { out: process.stdout, err: process.stderr }): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        json: { type: 'boolean', default: false },
        lang: { type: 'string' },
        host: { type: 'string' },
        'no-color': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
        version: { type: 'boolean', short: 'v', default: false },
      },
    });
  } catch (e) {
    io.err.write(`mxray: ${(e as Error).message}\n\n${USAGE}\n`);
    return EXIT.INPUT;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.out.write(USAGE + '\n');
    return EXIT.OK;
  }
  if (values.version) {
    io.out.write(`mxray ${process.env.MXRAY_VERSION ?? 'dev'}\n`);
    return EXIT.OK;
  }
  const [command, domainArg, ...rest] = positionals;
  if (command !== 'check' || rest.length > 0 || (values.host !== undefined) === (domainArg !== undefined)) {
    io.err.write(`${USAGE}\n`);
    return EXIT.INPUT;
  }

  let env;
  try {
    env = loadEnv();
  } catch (e) {
    if (e instanceof EnvError) {
      io.err.write(`mxray: ${e.message}\n`);
      return EXIT.INPUT;
    }
    throw e;
  }
  const engine = createEngine(engineConfigFromEnv(env));
  const mode = values.host !== undefined ? 'host' : 'domain';
  const prepared = engine.prepare((values.host ?? domainArg)!, mode);
  if (!prepared.ok) {
    io.err.write(`mxray: ${prepared.message}\n`);
    return EXIT.INPUT;
  }

  const abort = new AbortController();
  const onSignal = () => abort.abort();
  process.once('SIGINT', onSignal);
  const tty = !values.json && (io.err as NodeJS.WriteStream).isTTY === true;
  let result: CheckResult | undefined;
  let done = 0;
  let planned = 0;
  try {
    for await (const ev of engine.run(prepared.target, abort.signal)) {
      if (ev.type === 'probes-planned') planned = ev.probes.length;
      if (ev.type === 'probe-done') done++;
      if (ev.type === 'check-done') result = ev.result;
      if (tty && planned > 0) io.err.write(`\r\x1b[2Kprobing ${done}/${planned} ports…`);
    }
  } finally {
    process.off('SIGINT', onSignal);
    if (tty) io.err.write('\r\x1b[2K');
  }
  if (!result) throw new Error('engine ended without a result');

  if (values.json) io.out.write(JSON.stringify(result, null, 2) + '\n');
  else {
    const color = !values['no-color'] && !process.env.NO_COLOR && (io.out as NodeJS.WriteStream).isTTY === true;
    io.out.write(formatReport(result, { color, locale: cliLocale(values.lang) }));
  }
  return exitCodeFor(result);
}
