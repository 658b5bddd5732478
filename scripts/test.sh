#!/usr/bin/env bash
# The whole test suite: the README's test command (`npm ci && npm test`) and .ci/run call this.
set -euo pipefail
cd "$(dirname "$0")/.."
export NODE_ENV=test

bash scripts/setup-system.sh
[ -f dist/cli.mjs ] || node scripts/build-cli.mjs

echo "== typecheck"
npx tsc --noEmit -p .

echo "== unit and integration tests"
npx vitest run --project unit --project integration

if ls tests/e2e/*.test.ts >/dev/null 2>&1; then
  echo "== production build and browser tests"
  NODE_ENV=production npx next build
  npx vitest run --project e2e
fi
