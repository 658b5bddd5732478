/**
 * `mxray check`: validates the environment, runs the engine and prints the report. Loaded only
 * when a check is asked for, so `mxray --help` and `--version` never load the engine or zod.
 */
// The environment's rules read without zod (lib/env-read.ts): the CLI loads no zod at all.
import { cliLocale, EnvError, readEnv } from '@/lib/env-read';
import { createEngine, engineConfigFromEnv } from '@/lib/probe/create-engine';
import { addressesUnknown } from '@/lib/probe/dns/address-lookup';
import type { CheckResult } from '@/lib/probe/schema';
import { EXIT } from './exit-codes';
import type { CliVantage } from './vantage-args';

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

export async function runCheckCommand(
  values: {
    host: string | undefined;
    domain: string | undefined;
    json: boolean;
    noColor: boolean;
    relayTest?: boolean;
    lang?: string | undefined;
    /** run once from each of these local source addresses and compare (--vantage) */
    vantages?: CliVantage[] | undefined;
  },
  io: { out: NodeJS.WritableStream; err: NodeJS.WritableStream },
): Promise<number> {
  const domainArg = values.domain;
  let env;
  try {
    env = readEnv();
  } catch (e) {
    if (e instanceof EnvError) {
      io.err.write(`mxray: ${e.message}\n`);
      return EXIT.INPUT;
    }
    throw e;
  }
  const engine = createEngine(engineConfigFromEnv(env));
  const mode = values.host !== undefined ? 'host' : 'domain';
  const prepared = engine.prepare((values.host ?? domainArg)!, mode, { relayTest: values.relayTest });
  const locale = cliLocale(values.lang, env);
  // The words (use-intl and the message files) load only when something is said in them: a
  // --json check, or one whose output is not a terminal, prints none before its report.
  const words = () => import('@/lib/i18n/translator');
  if (!prepared.ok) {
    // The validation reason in the reader's language when the message files know it (the API's words).
    const reason = `api.domain.${prepared.code}`;
    const { hasMessage, translatorFor } = locale !== 'en' ? await words() : { hasMessage: () => false, translatorFor: () => undefined };
    const t = translatorFor(locale);
    const text = t && hasMessage(locale, reason) ? t(reason) : prepared.message;
    io.err.write(`mxray: ${text}\n`);
    return EXIT.INPUT;
  }

  const abort = new AbortController();
  const onSignal = () => abort.abort();
  process.once('SIGINT', onSignal);
  const tty = !values.json && (io.err as NodeJS.WriteStream).isTTY === true;
  const t = tty ? (await words()).translatorFor(locale) : undefined;
  // One engine per vantage, each leaving from its source address; a single run is the plain check.
  const runs = (values.vantages ?? [undefined]).map((vantage) => ({
    vantage,
    engine: vantage ? createEngine({ ...engineConfigFromEnv(env), sourceAddress: vantage.sourceAddress }) : engine,
    done: 0,
    planned: 0,
    result: undefined as CheckResult | undefined,
  }));
  try {
    await Promise.all(
      runs.map(async (run) => {
        for await (const ev of run.engine.run(prepared.target, abort.signal)) {
          if (ev.type === 'probes-planned') run.planned = ev.probes.length;
          if (ev.type === 'probe-done') run.done++;
          if (ev.type === 'check-done') run.result = ev.result;
          const planned = runs.reduce((n, r) => n + r.planned, 0);
          if (t && planned > 0) io.err.write(`\r\x1b[2K${t('cli.probing', { done: runs.reduce((n, r) => n + r.done, 0), planned })}`);
        }
      }),
    );
  } finally {
    process.off('SIGINT', onSignal);
    if (tty) io.err.write('\r\x1b[2K');
  }
  const results = runs.map((r) => {
    if (!r.result) throw new Error('engine ended without a result');
    return r.result;
  });
  const color = !values.noColor && !env.NO_COLOR && (io.out as NodeJS.WriteStream).isTTY === true;

  if (values.vantages) {
    const { compareVantages } = await import('@/lib/verdict/compare-vantages');
    const named = runs.map((r, i) => ({ vantage: r.vantage!.name, sourceAddress: r.vantage!.sourceAddress, result: results[i]! }));
    const comparison = compareVantages(named);
    if (values.json) io.out.write(JSON.stringify({ vantages: named, comparison }, null, 2) + '\n');
    else {
      const { formatVantageReport } = await import('./vantage-report');
      io.out.write(formatVantageReport(named, comparison, { color, locale }));
    }
    // The worst vantage decides: a critical finding from any network is one.
    return Math.max(...results.map(exitCodeFor));
  }

  const result = results[0]!;
  if (values.json) io.out.write(JSON.stringify(result, null, 2) + '\n');
  else {
    // The text report loads only when it is printed: --json needs none of it.
    const { formatReport } = await import('./format-report');
    io.out.write(formatReport(result, { color, locale }));
  }
  return exitCodeFor(result);
}
