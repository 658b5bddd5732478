/**
 * `--vantage NAME=ADDRESS`, once per vantage or as a comma list. The CLI probes from the machine
 * it runs on, so a vantage here is a local source address (another uplink, a VPN, an address of
 * another network routed to this host), named for the report: the same check runs once from each,
 * and the report compares them as the web report compares scaled-mode workers' vantages.
 */
import { isIP } from 'node:net';

export interface CliVantage {
  name: string;
  sourceAddress: string;
}

// Vantage names as VANTAGE / VANTAGES spell them (lib/env.ts).
const NAME = /^[a-z0-9][a-z0-9_.-]{0,31}$/i;

export function parseVantageArgs(args: readonly string[]): { ok: true; vantages: CliVantage[] } | { ok: false; message: string } {
  const vantages: CliVantage[] = [];
  for (const item of args.flatMap((a) => a.split(',')).map((s) => s.trim()).filter(Boolean)) {
    const eq = item.indexOf('=');
    if (eq < 0) {
      return {
        ok: false,
        message: `--vantage ${item}: give it the local source address its probes leave from (${item}=ADDRESS); the CLI probes from this machine`,
      };
    }
    const name = item.slice(0, eq);
    const sourceAddress = item.slice(eq + 1);
    if (!NAME.test(name)) return { ok: false, message: `--vantage ${item}: ${JSON.stringify(name)} is not a vantage name (letters, digits, . _ -)` };
    if (isIP(sourceAddress) === 0) return { ok: false, message: `--vantage ${item}: ${JSON.stringify(sourceAddress)} is not an IP address` };
    if (vantages.some((v) => v.name === name)) return { ok: false, message: `--vantage ${name} is given twice` };
    vantages.push({ name, sourceAddress });
  }
  if (vantages.length === 0) return { ok: false, message: '--vantage needs NAME=ADDRESS' };
  return { ok: true, vantages };
}
