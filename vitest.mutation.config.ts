/**
 * The vitest configuration StrykerJS runs (stryker.config.mjs): the unit project only, as a
 * single project because the vitest runner drives one. Integration, interop and e2e tests bind
 * real ports and take minutes; they stay out of mutation runs.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  resolve: { alias: { '@': root } },
  test: {
    include: ['tests/unit/**/*.test.ts'],
    // Tests that only exercise modules outside the mutate list are left out: they cannot kill a
    // mutant, and the initial run would only spend time on them.
    exclude: ['tests/unit/json-schema.test.ts', 'tests/unit/openapi.test.ts', 'tests/unit/store*.test.ts', 'tests/unit/report/**'],
    environment: 'node',
  },
});
