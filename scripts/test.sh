#!/usr/bin/env bash
# The whole test suite: the README's test command (`npm ci && npm test`) and .ci/run call this.
set -euo pipefail
cd "$(dirname "$0")/.."
export NODE_ENV=test NEXT_TELEMETRY_DISABLED=1
REPORTS=test-results/vitest
rm -rf "$REPORTS" && mkdir -p "$REPORTS"

# Runs one vitest project, keeping a JSON report for the closing tally.
run_vitest() {
  local name=$1; shift
  npx vitest run "$@" --reporter=default --reporter=json --outputFile="$REPORTS/$name.json"
}

# Stops the PostgreSQL / Redis that setup-system.sh started for this run (none when they were running already).
trap 'bash scripts/test-services.sh stop' EXIT
bash scripts/setup-system.sh
[ -f dist/cli.cjs ] || node scripts/build-cli.mjs

echo "== typecheck"
npx tsc --noEmit -p .

echo "== unit and integration tests"
run_vitest unit-integration --project unit --project integration

echo "== interop tests (real Postfix with postscreen, Exim, Dovecot, NSD on 127.60.0.0/16)"
run_vitest interop --project interop

echo "== production build and browser tests"
NODE_ENV=production npx next build
run_vitest e2e --project e2e

# One closing line for the whole suite ("N passed, N failed").
node -e '
const fs = require("fs");
let passed = 0, failed = 0, skipped = 0;
for (const f of fs.readdirSync(process.argv[1])) {
  const r = JSON.parse(fs.readFileSync(process.argv[1] + "/" + f, "utf8"));
  passed += r.numPassedTests; failed += r.numFailedTests; skipped += r.numPendingTests + (r.numTodoTests ?? 0);
}
console.log(`${passed} passed, ${failed} failed` + (skipped ? `, ${skipped} skipped` : ""));
process.exit(failed > 0 || passed === 0 ? 1 : 0);
' "$REPORTS"
