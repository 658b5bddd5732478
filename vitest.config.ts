import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  // 'server-only' throws outside React's server condition; tests run server modules on Node, as the
  // server does, so they get its empty variant (the browser-import test keeps the guard honest).
  resolve: { alias: { '@': root, 'server-only': `${root}node_modules/server-only/empty.js` } },
  test: {
    // next-intl imports 'next/navigation' without an extension, which Node's ESM loader refuses;
    // processed by Vite it resolves as it does in Next's bundler.
    server: { deps: { inline: ['next-intl'] } },
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], environment: 'node' },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          environment: 'node',
          // Fixture servers bind fixed ports (25/465/587/2525) on 127.x addresses that each
          // file owns; files still run in parallel, but give slow handshakes room.
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'interop',
          include: ['tests/interop/**/*.test.ts'],
          environment: 'node',
          // Real Postfix, Exim, Dovecot and NSD (root, Debian packages from scripts/setup-system.sh),
          // started once for the project and shared: files run one after another.
          globalSetup: ['tests/fixtures/interop/global-setup.ts'],
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          environment: 'node',
          // One production server and one Chromium at a time: files run one after another.
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
