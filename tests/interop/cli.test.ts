/**
 * The CLI as people run it (bin/mxray.cjs, configured only by the environment) against the real
 * servers: its exit status for a good domain, a bad one and one that does not exist.
 */
import { execFile, execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { CheckResultSchema } from '@/lib/probe/schema';
import { lab } from '@/tests/fixtures/interop/check';
import { DOMAINS, HOSTS } from '@/tests/fixtures/interop/plan';

const root = fileURLToPath(new URL('../..', import.meta.url));

function mxray(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['bin/mxray.cjs', ...args],
      { cwd: root, env: { NODE_ENV: 'test', PATH: process.env.PATH ?? '', ...lab().env }, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: number }).code ?? 99) : 0, stdout, stderr }),
    );
  });
}

beforeAll(() => {
  // The current sources, built the way `npm install` builds them.
  execFileSync(process.execPath, ['scripts/build-cli.mjs'], { cwd: root });
});

describe('mxray check against real servers', () => {
  it('exits 0 for the good domain (Postfix + Exim, valid certificates)', async () => {
    const { code, stdout, stderr } = await mxray(['check', DOMAINS.good]);
    expect(code).toBe(0);
    // Nothing but the report: no warnings from Node or the engine on the user's terminal.
    expect(stderr).toBe('');
    expect(stdout).toMatch(/MX\s+10 mx1\.good\.interop\.test, 20 mx2\.good\.interop\.test/);
    // Every port is fine; the interop zone publishes no MTA-STS policy, an info finding (issue 12),
    // so the verdict is INFO ("good, with notes") and the exit code stays 0.
    expect(stdout).toMatch(/Verdict\s+INFO/);
    expect(stdout).toMatch(/No MTA-STS policy/);
  });

  it('--json gives the same result as the engine would, schema-valid', async () => {
    const { code, stdout } = await mxray(['check', DOMAINS.good, '--json']);
    expect(code).toBe(0);
    const result = CheckResultSchema.parse(JSON.parse(stdout));
    expect(result.probes.filter((p) => p.outcome === 'success').map((p) => `${p.address}:${p.port}`).sort()).toEqual(
      [HOSTS.mx1.address, HOSTS.mx2.address].flatMap((a) => [25, 465, 587].map((port) => `${a}:${port}`)).sort(),
    );
    expect(result.ehloName).toBe(lab().env.PROBE_EHLO_NAME);
  });

  it('exits 1 for a domain whose server offers no TLS and AUTH in clear', async () => {
    const { code, stdout } = await mxray(['check', DOMAINS.plain]);
    expect(code).toBe(1);
    expect(stdout).toContain('No STARTTLS on port 25');
    expect(stdout).toContain('Credentials could travel in clear');
    expect(stdout).toMatch(/Verdict\s+CRITICAL/);
  });

  it('exits 1 for an expired certificate, 0 for a wrong host name (a warning)', async () => {
    expect((await mxray(['check', DOMAINS.expired])).code).toBe(1);
    expect((await mxray(['check', DOMAINS.wrongHost])).code).toBe(0);
  });

  it('exits 2 when the domain does not exist', async () => {
    const { code, stdout } = await mxray(['check', DOMAINS.missing]);
    expect(code).toBe(2);
    expect(stdout).toContain('The domain does not exist');
  });

  it('--host tests one real server, the Exim submission host', async () => {
    const { code, stdout } = await mxray(['check', '--host', HOSTS.mx2.name, '--json']);
    expect(code).toBe(0);
    const result = CheckResultSchema.parse(JSON.parse(stdout));
    expect(result.dns.mxKind).toBe('host');
    expect(result.summary.recommendation.mailClient.port).toBe(465);
  });
});
