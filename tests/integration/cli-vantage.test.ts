/**
 * `mxray check --vantage NAME=ADDRESS`: the compiled CLI runs the check once from each local
 * source address and compares them, like the web report of a scaled-mode check asked of several
 * vantages. The fixture server resets connections from one source address (a filter on the path).
 * Addresses (this file's block): sources 127.131.0.1 and .2, the mail server 127.131.1.10, the
 * fixture DNS server on 127.0.0.1.
 */
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CheckResultSchema } from '@/lib/probe/schema';
import { parseVantageArgs } from '@/cli/vantage-args';
import { createTestPki } from '@/tests/fixtures/pki';
import { REPO_ROOT as root, runCli, type CliRun } from '@/tests/fixtures/run-cli';
import { labEnv, startZoneLab, type ZoneLab } from '@/tests/fixtures/zone-lab';

const SUFFIX = 'vantage-cli.test';
const DOMAIN = `filtered.${SUFFIX}`;
const NEAR = '127.131.0.1';
const FAR = '127.131.0.2';
let lab: ZoneLab;

function run(args: string[]): Promise<CliRun> {
  return runCli(args, {
    ...labEnv(lab, { allowCidrs: '127.131.1.0/24', suffix: SUFFIX }),
    PROBE_CONNECT_TIMEOUT_MS: '2000',
    PROBE_GREETING_TIMEOUT_MS: '3000',
    DNS_TIMEOUT_MS: '1500',
  });
}

beforeAll(async () => {
  execFileSync(process.execPath, ['scripts/build-cli.mjs'], { cwd: root });
  const pki = await createTestPki({ hosts: [`mx.${DOMAIN}`] });
  lab = await startZoneLab(
    [
      { name: DOMAIN, type: 'MX', preference: 10, exchange: `mx.${DOMAIN}` },
      { name: `mx.${DOMAIN}`, type: 'A', address: '127.131.1.10' },
    ],
    [{ address: '127.131.1.10', port: 25, greeting: [`220 mx.${DOMAIN} ESMTP`], ehlo: ['PIPELINING', '8BITMIME'], resetFrom: [FAR] }],
    pki.caPem,
  );
}, 60_000);

afterAll(async () => {
  await lab?.close();
});

describe('mxray check --vantage', () => {
  it('reads NAME=ADDRESS, repeated or as a comma list, and refuses a vantage without a source address', () => {
    expect(parseVantageArgs(['near=127.131.0.1', 'far=127.131.0.2,v6=::1'])).toEqual({
      ok: true,
      vantages: [
        { name: 'near', sourceAddress: '127.131.0.1' },
        { name: 'far', sourceAddress: '127.131.0.2' },
        { name: 'v6', sourceAddress: '::1' },
      ],
    });
    expect(parseVantageArgs(['eu-west'])).toMatchObject({ ok: false, message: expect.stringContaining('eu-west=ADDRESS') });
    expect(parseVantageArgs(['a=not-an-ip'])).toMatchObject({ ok: false, message: expect.stringContaining('not an IP address') });
    expect(parseVantageArgs(['a=::1', 'a=127.0.0.1'])).toMatchObject({ ok: false, message: expect.stringContaining('twice') });
    expect(parseVantageArgs(['bad name=::1'])).toMatchObject({ ok: false });
  });

  it('runs once per vantage and prints the ports side by side with the vantage finding, then each report', async () => {
    const { code, stdout, stderr } = await run(['check', DOMAIN, '--vantage', `near=${NEAR}`, '--vantage', `far=${FAR}`]);
    expect(stderr).toBe('');
    // No STARTTLS from near, nothing at all from far: critical findings in each report (exit 1).
    expect(code, stdout).toBe(1);
    expect(stdout).toContain(`mxray · ${DOMAIN}  2 vantages`);
    expect(stdout).toContain(`from near (source address ${NEAR})`);
    // Header row, then the port 25 row: answered from near, reset from far.
    expect(stdout).toMatch(/Host · address · port\s+near\s+far/);
    // far could not reach what near reached: its cell reads closed (–), the path, not the server's critical
    expect(stdout).toMatch(new RegExp(`mx\\.${DOMAIN.replace(/\./g, '\\.')} · 127\\.131\\.1\\.10 · 25\\s+✖ plain\\s+– reset`));
    expect(stdout).toContain('Port 25 answers from near but not from far');
    // Each vantage's full report follows.
    expect(stdout).toContain(`── from far (source address ${FAR}) ──`);
    expect(stdout.match(/^Verdict/gm)).toHaveLength(2);
  });

  it('in French, and as JSON: every result, and the comparison with its finding', async () => {
    const fr = await run(['check', DOMAIN, '--lang', 'fr', '--vantage', `near=${NEAR},far=${FAR}`]);
    expect(fr.stdout).toContain('2 points de vue');
    expect(fr.stdout).toContain('Le port 25 répond depuis near mais pas depuis far');
    expect(fr.stdout).toContain(`depuis far (adresse source ${FAR})`);

    const { code, stdout } = await run(['check', DOMAIN, '--json', '--vantage', `near=${NEAR},far=${FAR}`]);
    expect(code).toBe(1);
    const body = JSON.parse(stdout);
    expect(body.vantages.map((v: { vantage: string; sourceAddress: string }) => [v.vantage, v.sourceAddress])).toEqual([
      ['near', NEAR],
      ['far', FAR],
    ]);
    const [near, far] = body.vantages.map((v: { result: unknown }) => CheckResultSchema.parse(v.result));
    expect(near.probes.find((p: { port: number }) => p.port === 25)?.outcome).toBe('success');
    expect(far.probes.find((p: { port: number }) => p.port === 25)?.outcome).toBe('connection-reset');
    expect(body.comparison.vantages).toEqual(['near', 'far']);
    expect(body.comparison.findings).toEqual([
      expect.objectContaining({ code: 'vantage.unreachable-from', port: 25, params: expect.objectContaining({ answeredFrom: 'near', failedFrom: 'far' }) }),
    ]);
    // The lab's server saw both source addresses.
    expect(lab.servers[0]!.peers).toEqual(expect.arrayContaining([NEAR, FAR]));
  });

  it('says what is wrong with a --vantage and exits 2', async () => {
    const { code, stderr } = await run(['check', DOMAIN, '--vantage', 'eu-west']);
    expect(code).toBe(2);
    expect(stderr).toContain('--vantage eu-west: give it the local source address');
  });
});
