/**
 * The CLI as people run it: the compiled bin against a loopback lab (127.40.0.0/16 and ::1),
 * names resolved only through the lab's DNS server.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CheckResultSchema, type CheckResult } from '@/lib/probe/schema';
import { startMailLab, type MailLab } from '@/tests/fixtures/mail-lab';
import { runCli, type CliRun } from '@/tests/fixtures/run-cli';

const root = fileURLToPath(new URL('../..', import.meta.url));
let lab: MailLab;

function run(args: string[], extraEnv: Record<string, string> = {}): Promise<CliRun> {
  return runCli(args, {
    ...lab.env,
    PROBE_GREETING_TIMEOUT_MS: '4000',
    PROBE_COMMAND_TIMEOUT_MS: '3000',
    PROBE_TLS_TIMEOUT_MS: '3000',
    DNS_TIMEOUT_MS: '1500',
    ...extraEnv,
  });
}

beforeAll(async () => {
  // Test the current sources: build the CLI the way `npm install` does.
  execFileSync(process.execPath, ['scripts/build-cli.mjs'], { cwd: root });
  lab = await startMailLab({ block: 40, suffix: 'lab.test', ipv6: true });
});
afterAll(async () => {
  await lab?.close();
});

describe('mxray check (CLI)', () => {
  it('keeps start-up work off the check path: no zod, a small entry, the check bundle compiled from its code cache', () => {
    const dist = join(root, 'dist');
    const files = readdirSync(dist).filter((f) => f.endsWith('.cjs'));
    const text = (f: string) => readFileSync(join(dist, f), 'utf8');
    expect(files.sort()).toEqual(['cli-check.cjs', 'cli.cjs']);
    // zod (its schema internals and its locales, Dutch standing for them) is in neither file: the
    // CLI reads its environment with lib/env-read.ts and never builds the result schemas
    for (const f of files) {
      expect(text(f)).not.toContain('_zod');
      expect(text(f)).not.toContain('Ongeldige invoer');
    }
    // --help and --version load only the entry, which requires no file of its own
    expect(text('cli.cjs').length).toBeLessThan(8_192);
    expect([...text('cli.cjs').matchAll(/require\("\.{1,2}\/[^"]*"\)/g)]).toEqual([]);
    // the check bundle is compiled from the V8 code cache the build wrote beside it
    expect(readdirSync(dist)).toContain('cli-check.cjs.cache');
    const used = execFileSync(process.execPath, ['-e', "const c = require('./dist/cli.cjs'); c.loadCheckCommand().then(() => process.stdout.write(String(c.codeCacheUsed())))"], { cwd: root, encoding: 'utf8' });
    expect(used).toBe('true');
  });

  it('still loads the check when V8 refuses the code cache or it is missing (another Node version)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mxray-cli-cache-'));
    try {
      for (const f of ['cli.cjs', 'cli-check.cjs']) copyFileSync(join(root, 'dist', f), join(dir, f));
      const load = () =>
        execFileSync(process.execPath, ['-e', "const c = require('./cli.cjs'); c.loadCheckCommand().then((m) => process.stdout.write(typeof m.runCheckCommand + ' ' + c.codeCacheUsed()))"], { cwd: dir, encoding: 'utf8' });
      expect(load()).toBe('function false');
      writeFileSync(join(dir, 'cli-check.cjs.cache'), Buffer.alloc(4096, 7));
      expect(load()).toBe('function false');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('prints the full report for a domain with two MX hosts and exits 0', async () => {
    const { code, stdout } = await run(['check', lab.domains.good]);
    expect(code).toBe(0);
    expect(stdout).toContain(`mxray · ${lab.domains.good}`);
    expect(stdout).toMatch(/MX\s+10 mx1\.good\.lab\.test, 20 mx2\.good\.lab\.test/);
    // One row per address, IPv4 and IPv6, with the four ports measured.
    expect(stdout).toMatch(/127\.40\.1\.1\s+✔ STARTTLS 1\.3\s+✔ TLS 1\.3 AUTH\s+✔ STARTTLS 1\.3 AUTH\s+– refused/);
    expect(stdout).toMatch(/::1\s+✔ STARTTLS 1\.3/);
    expect(stdout).toMatch(/127\.40\.1\.2\s+✔ STARTTLS 1\.3/);
    expect(stdout).toContain('forward-confirmed');
    expect(stdout).toContain('Certificates');
    expect(stdout).toMatch(/✔ trusted ✔ name matches/);
    // The lab's DNS server does not validate DNSSEC (issue 12): that note is the one finding listed.
    expect(stdout.match(/^ {2}(CRITICAL|WARNING|INFO|UNTESTED) .*$/gm)).toEqual(['  UNTESTED No DNSSEC validation seen']);
    expect(stdout).toContain('DNSSEC: no answer validated: the resolver may not validate DNSSEC');
    expect(stdout).toMatch(/Mail client:\s+465/);
    expect(stdout).toMatch(/Application:\s+587/);
    expect(stdout).toMatch(/Verdict\s+OK/);
    // No colour codes when stdout is not a terminal.
    expect(stdout).not.toContain('\x1b[');
  });

  it('--json prints only the schema-valid result', async () => {
    const { code, stdout } = await run(['check', lab.domains.good, '--json']);
    expect(code).toBe(0);
    const result: CheckResult = CheckResultSchema.parse(JSON.parse(stdout));
    expect(result.dns.mx.records.map((r) => [r.preference, r.exchange])).toEqual([
      [10, 'mx1.good.lab.test'],
      [20, 'mx2.good.lab.test'],
    ]);
    expect(result.probes).toHaveLength(3 * 4); // mx1 (v4 + v6) and mx2 (v4), four ports each
    const v6 = result.probes.find((p) => p.address === '::1' && p.port === 25);
    expect(v6).toMatchObject({ family: 6, outcome: 'success', encryption: 'starttls' });
    expect(result.summary.verdict).toBe('ok');
  });

  it('exits 1 with the critical findings and their fixes for a plaintext domain', async () => {
    const { code, stdout } = await run(['check', lab.domains.plain]);
    expect(code).toBe(1);
    expect(stdout).toContain('No STARTTLS on port 25');
    expect(stdout).toContain('Credentials could travel in clear');
    expect(stdout).toContain('Port 465 does not speak implicit TLS');
    expect(stdout).toContain('Fix: ');
    expect(stdout).toMatch(/Verdict\s+CRITICAL/);
  });

  it('--host tests one server instead of MX records', async () => {
    const { code, stdout } = await run(['check', '--host', `mx2.${lab.domains.good}`, '--json']);
    expect(code).toBe(0);
    const result = CheckResultSchema.parse(JSON.parse(stdout));
    expect(result.target.mode).toBe('host');
    expect(result.dns.mxKind).toBe('host');
    expect(result.dns.hosts.map((h) => h.name)).toEqual(['mx2.good.lab.test']);
    expect(result.summary.recommendation.mailClient.port).toBe(465);
  });

  it('reports an open relay per MX address, exit 1; the good domain\'s MX addresses read closed', async () => {
    const open = await run(['check', lab.domains.openRelay]);
    expect(open.code).toBe(1);
    expect(open.stdout).toMatch(/127\.40\.7\.1 .*\n.*PTR .*\n(?:\s+TLS .*\n(?:\s+\* .*\n)?)?\s+Relay Open relay \(accepted RCPT TO:<relay-test@example\.com> \(250 2\.1\.5 Ok\) · inside TLS\)/);
    expect(open.stdout).toContain('Open relay: the server accepts mail for anyone');
    expect(open.stdout).toContain('reject_unauth_destination');
    const good = await run(['check', lab.domains.good]);
    expect(good.stdout.match(/Relay Closed \(refused the foreign recipient in all four forms · inside TLS\)/g)).toHaveLength(3);
    for (const s of lab.servers) expect(s.verbs().filter((v) => v === 'DATA' || v === 'BDAT')).toEqual([]);
  });

  it('speaks French with LANG=fr_FR.UTF-8 or --lang fr: table cells, DNS, relay, certificate and verdict lines', async () => {
    const open = await run(['check', lab.domains.openRelay], { LANG: 'fr_FR.UTF-8' });
    expect(open.code).toBe(1);
    expect(open.stdout).toMatch(/127\.40\.7\.1 .*\n.*PTR .*\n(?:\s+TLS .*\n(?:\s+\* .*\n)?)?\s+Relais Relais ouvert \(a accepté RCPT TO:<relay-test@example\.com> \(250 2\.1\.5 Ok\) · dans TLS\)/);
    const good = await run(['check', lab.domains.good, '--lang', 'fr']);
    expect(good.code).toBe(0);
    expect(good.stdout).toMatch(/préférence 10/);
    expect(good.stdout).toMatch(/adresse\s+25\s+465\s+587\s+2525/);
    expect(good.stdout).toMatch(/127\.40\.1\.1\s+✔ STARTTLS 1\.3\s+✔ TLS 1\.3 AUTH\s+✔ STARTTLS 1\.3 AUTH\s+– refusé/);
    expect(good.stdout).toContain('confirmé dans les deux sens');
    expect(good.stdout).toMatch(/✔ de confiance ✔ nom couvert/);
    expect(good.stdout).toMatch(/Relais Fermé \(a refusé le destinataire étranger sous les quatre formes · dans TLS\)/);
    for (const english of ['preference', 'address ', 'Relay ', 'Closed', 'trusted', 'name matches', 'forward-confirmed', 'expires', 'issuer', 'Certificates', 'Findings', 'refused']) {
      expect(good.stdout, english).not.toContain(english);
    }
  });

  it('--host skips the relay test unless --relay-test asks for it', async () => {
    const host = `mx.${lab.domains.openRelay}`;
    const skipped = CheckResultSchema.parse(JSON.parse((await run(['check', '--host', host, '--json'])).stdout));
    expect(skipped.probes.find((p) => p.port === 25)?.relay).toMatchObject({ status: 'not-tested', reason: 'host-mode' });
    const asked = await run(['check', '--host', host, '--relay-test']);
    expect(asked.code).toBe(1);
    expect(asked.stdout).toContain('Relay Open relay');
    const misuse = await run(['check', lab.domains.good, '--relay-test']);
    expect(misuse.code).toBe(2);
    for (const s of lab.servers) expect(s.verbs().filter((v) => v === 'DATA' || v === 'BDAT')).toEqual([]);
  });

  it('exits 2 for bad input, naming the problem', async () => {
    const ip = await run(['check', '127.0.0.1']);
    expect(ip.code).toBe(2);
    expect(ip.stderr).toMatch(/domain/i);
    const usage = await run(['check']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('Usage');
  });

  it('exits 2 when DNS says the domain does not exist', async () => {
    const { code, stdout } = await run(['check', lab.domains.missing]);
    expect(code).toBe(2);
    expect(stdout).toContain('The domain does not exist');
  });

  it('reports a null MX as "accepts no mail" without probing, exit 0', async () => {
    const { code, stdout } = await run(['check', lab.domains.nullMx, '--json']);
    expect(code).toBe(0);
    const result = CheckResultSchema.parse(JSON.parse(stdout));
    expect(result.dns.mxKind).toBe('null');
    expect(result.probes).toHaveLength(0);
    expect(result.findings.map((f) => f.code)).toEqual(['mx.null']);
  });

  it('stops with a clear message on a bad configuration value', async () => {
    const { code, stderr } = await run(['check', lab.domains.good], { PROBE_ALLOW_CIDRS: 'not-a-cidr' });
    expect(code).toBe(2);
    expect(stderr).toContain('PROBE_ALLOW_CIDRS');
  });
});
