#!/usr/bin/env bash
# Installs the Debian packages the test suite needs, when they are missing. Idempotent; run by
# scripts/test.sh so a fresh machine (or CI's clean clone) needs nothing done by hand.
set -euo pipefail

# chromium: end-to-end browser tests (driven by playwright-core; never a browser download).
PACKAGES=(chromium)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "setup-system: missing Debian packages: ${missing[*]} (run as root or install them)" >&2
    exit 1
  fi
fi
echo "setup-system: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
