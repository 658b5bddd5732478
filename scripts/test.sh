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

echo "== interop tests (real Postfix with postscreen, Exim, Dovecot, NSD on 127.60.0.0/16)"
npx vitest run --project interop

if ls tests/e2e/*.test.ts >/dev/null 2>&1; then
  echo "== production build and browser tests"
  NODE_ENV=production npx next build
  npx vitest run --project e2e
fi
