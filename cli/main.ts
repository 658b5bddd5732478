/**
 * mxray CLI: `mxray check <domain> [--json] [--host <name> [--relay-test]] [--vantage NAME=ADDRESS …]`.
 * Exit codes: 0 no critical finding, 1 a critical finding, 2 bad input or nothing to probe
 * because DNS failed.
 */
import { parseArgs } from 'node:util';
import { EXIT } from './exit-codes';
import { loadCheckCommand } from './load-check';

// For the build (it writes the check bundle's code cache with the loader's own compile) and the
// bench (it times the check inside a process apart from that process's start-up).
export { codeCacheUsed, writeCheckCodeCache } from './load-check';
export { EXIT, loadCheckCommand };

/** Replaced with package.json's version when scripts/build-cli.mjs bundles the CLI. */
declare const MXRAY_VERSION: string | undefined;
const VERSION = typeof MXRAY_VERSION === 'string' ? MXRAY_VERSION : 'dev';

const USAGE = `Usage:
  mxray check <domain> [--json]       test the MX servers of a domain on ports 25, 465, 587, 2525
  mxray check --host <name> [--json]  test one mail server (e.g. a submission server)

Options:
  --json        print the result as JSON only (schema: public/schema/check-result.schema.json)
  --lang <en|fr>  language of the report (default: LC_ALL, LC_MESSAGES or LANG, else English)
  --host NAME   test this server instead of a domain's MX hosts
  --relay-test  with --host: also test it for an open relay (a domain's MX addresses always are:
                MAIL FROM, RCPT TO a foreign reserved domain, RSET on port 25; never DATA)
  --vantage NAME=ADDRESS  run the check once from each local source address (repeat it, or a
                comma list) and compare: the ports side by side and where the vantages differ;
                with --json: { vantages: [{ vantage, sourceAddress, result }], comparison }
  --no-color    plain output even on a terminal
  -h, --help    this help
  -v, --version the version

Environment: DNS_SERVERS, PROBE_ALLOW_CIDRS, PROBE_EHLO_NAME, PROBE_RELAY_TEST_ADDRESS, ALLOW_TEST_DOMAINS,
timeouts (README).
Exit status: 0 no critical finding, 1 a critical finding, 2 bad input or DNS failure.`;

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
        'relay-test': { type: 'boolean', default: false },
        vantage: { type: 'string', multiple: true },
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
    io.out.write(`mxray ${VERSION}\n`);
    return EXIT.OK;
  }
  const [command, domainArg, ...rest] = positionals;
  if (
    command !== 'check' ||
    rest.length > 0 ||
    (values.host !== undefined) === (domainArg !== undefined) ||
    (values['relay-test'] && values.host === undefined)
  ) {
    io.err.write(`${USAGE}\n`);
    return EXIT.INPUT;
  }

  let vantages;
  if (values.vantage) {
    const { parseVantageArgs } = await import('./vantage-args');
    const parsedVantages = parseVantageArgs(values.vantage);
    if (!parsedVantages.ok) {
      io.err.write(`mxray: ${parsedVantages.message}
`);
      return EXIT.INPUT;
    }
    vantages = parsedVantages.vantages;
  }
  const { runCheckCommand } = await loadCheckCommand();
  return runCheckCommand(
    { host: values.host, domain: domainArg, json: values.json, noColor: values['no-color'], relayTest: values['relay-test'], lang: values.lang, vantages },
    io,
  );
}
