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
  values: { host: string | undefined; domain: string | undefined; json: boolean; noColor: boolean; relayTest?: boolean; lang?: string | undefined },
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
  let result: CheckResult | undefined;
  let done = 0;
  let planned = 0;
  try {
    for await (const ev of engine.run(prepared.target, abort.signal)) {
      if (ev.type === 'probes-planned') planned = ev.probes.length;
      if (ev.type === 'probe-done') done++;
      if (ev.type === 'check-done') result = ev.result;
      if (t && planned > 0) io.err.write(`\r\x1b[2K${t('cli.probing', { done, planned })}`);
    }
  } finally {
    process.off('SIGINT', onSignal);
    if (tty) io.err.write('\r\x1b[2K');
  }
  if (!result) throw new Error('engine ended without a result');

  if (values.json) io.out.write(JSON.stringify(result, null, 2) + '\n');
  else {
    const color = !values.noColor && !env.NO_COLOR && (io.out as NodeJS.WriteStream).isTTY === true;
    // The text report loads only when it is printed: --json needs none of it.
    const { formatReport } = await import('./format-report');
    io.out.write(formatReport(result, { color, locale }));
  }
  return exitCodeFor(result);
}
