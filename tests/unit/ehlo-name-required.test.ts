/**
 * PROBE_EHLO_NAME is required where others can reach the server (issue 10: never announce a
 * container's host name), while `npm start` on loopback keeps working with no setting (the README's
 * quick start), and development and tests are never refused.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assertEhloNameConfigured, EnvError, listensOnLoopbackOnly } from '@/lib/env';

describe('listensOnLoopbackOnly', () => {
  it('is true for 127/8, ::1 (bracketed or not) and localhost only', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost', 'LOCALHOST']) expect(listensOnLoopbackOnly(h)).toBe(true);
    for (const h of [undefined, '', '0.0.0.0', '::', '192.0.2.10', '2001:db8::1', 'mxray.example.org', '127.0.0.1.nip.io'])
      expect(listensOnLoopbackOnly(h)).toBe(false);
  });
});

describe('assertEhloNameConfigured', () => {
  const production = { NODE_ENV: 'production' as const, PROBE_EHLO_NAME: undefined };
  it('refuses a production server on every interface (unset HOSTNAME is 0.0.0.0) or a public address without the name', () => {
    for (const HOSTNAME of [undefined, '0.0.0.0', '::', '192.0.2.10'])
      expect(() => assertEhloNameConfigured({ ...production, HOSTNAME })).toThrow(/PROBE_EHLO_NAME: required when the server listens on a non-loopback address/);
    expect(() => assertEhloNameConfigured({ ...production, HOSTNAME: '0.0.0.0' })).toThrow(EnvError);
  });
  it('accepts a configured name anywhere, a loopback-only production server, and development or tests', () => {
    expect(() => assertEhloNameConfigured({ ...production, HOSTNAME: '0.0.0.0', PROBE_EHLO_NAME: 'mxray.example.org' })).not.toThrow();
    expect(() => assertEhloNameConfigured({ ...production, HOSTNAME: '127.0.0.1' })).not.toThrow();
    expect(() => assertEhloNameConfigured({ NODE_ENV: 'test', PROBE_EHLO_NAME: undefined, HOSTNAME: '0.0.0.0' })).not.toThrow();
    expect(() => assertEhloNameConfigured({ NODE_ENV: 'development', PROBE_EHLO_NAME: undefined, HOSTNAME: undefined })).not.toThrow();
  });
});

describe('the server hook applies the same rule before Next starts', () => {
  // Runs scripts/mxray-server.cjs with a server file that only says it was reached (nothing listens).
  const fakeServer = join(mkdtempSync(join(tmpdir(), 'mxray-hook-')), 'server.js');
  writeFileSync(fakeServer, "console.log('server reached');\n");
  const run = (env: Record<string, string>) => {
    try {
      return execFileSync(process.execPath, ['scripts/mxray-server.cjs', fakeServer], {
        env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', ...env },
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: 20_000,
      });
    } catch (e) {
      return String((e as { stderr?: string }).stderr);
    }
  };
  it('stops with the variable named on a public bind, not on loopback', () => {
    expect(run({ HOSTNAME: '0.0.0.0' })).toMatch(/PROBE_EHLO_NAME is required when the server listens on a non-loopback address/);
    expect(run({ HOSTNAME: '0.0.0.0', PROBE_EHLO_NAME: 'mxray.example.org' })).toBe('server reached\n');
    expect(run({ HOSTNAME: '127.0.0.1' })).toBe('server reached\n');
  });
});
