/**
 * The production server validates its environment once, at start-up (instrumentation.ts
 * register()): a bad value stops the process with a message naming the variable, before it
 * answers a single request, instead of surfacing as a 500 on the first check.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startProductionServer } from '@/tests/fixtures/production-server';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dataDir = () => mkdtempSync(join(tmpdir(), 'mxray-env-'));

describe('configuration checked at start', () => {
  for (const [name, value] of [
    ['RATE_LIMIT_PER_MINUTE', 'lots'],
    ['DNS_SERVERS', 'not-an-address'],
  ] as const) {
    it(`stops before serving when ${name} is invalid, naming it`, async () => {
      // startProductionServer only resolves once /api/health has answered 200.
      const outcome = await startProductionServer({ root: ROOT, dataDir: dataDir(), env: { [name]: value }, timeoutMs: 60_000 }).then(
        async (server) => {
          await server.kill();
          return 'served';
        },
        (err: Error) => err.message,
      );
      expect(outcome).toMatch(/^server exited early/);
      expect(outcome).toContain(`${name}:`);
      expect(outcome).toContain('Invalid configuration');
    });
  }
});
