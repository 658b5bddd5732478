#!/usr/bin/env bash
# Installs the Debian packages the test suite needs, when they are missing. Idempotent; run by
# scripts/test.sh so a fresh machine (or CI's clean clone) needs nothing done by hand.
set -euo pipefail
cd "$(dirname "$0")"

# chromium: end-to-end browser tests (driven by playwright-core; never a browser download).
# postfix, dovecot-core, nsd: the interop tests (tests/interop/) run them from private configs
# under a temp dir; the system-wide services are never started (see below). Dovecot is Postfix's
# SASL backend for AUTH on 587 (Debian builds Postfix with Dovecot SASL support). NSD is the DNS
# server (why NSD: tests/fixtures/interop/nsd.ts).
# libdb5.3 … libpcre2-8-0: the shared libraries of the Exim binary that setup-interop.sh extracts
# (exim4-daemon-light's Depends minus debconf and exim4-base).
# unbound, ldnsutils: the DNSSEC/DANE tests (tests/fixtures/dnssec-lab.ts) sign zones with
# ldns-keygen/ldns-signzone, serve them with NSD and validate them with a private unbound on
# loopback; the system-wide unbound service is never started either.
PACKAGES=(chromium postfix dovecot-core nsd unbound ldnsutils
  libcrypt1 libdb5.3 libgnutls-dane0 libgnutls30 libidn12 libidn2-0 libnsl2 libpcre2-8-0)

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else SUDO="none"; fi
fi

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$SUDO" = "none" ]; then
    echo "setup-system: missing Debian packages: ${missing[*]} (run as root or install them)" >&2
    exit 1
  fi
  echo "setup-system: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  # Postfix unconfigured: no system-wide main.cf, so no system instance that listens on *:25.
  echo 'postfix postfix/main_mailer_type select No configuration' | $SUDO debconf-set-selections
  # Installing a daemon must not start it (postfix, dovecot, nsd and unbound would listen on every
  # interface): a policy-rc.d that denies every start, unless the machine already has one.
  policy=/usr/sbin/policy-rc.d
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null
    $SUDO chmod 0755 "$policy"
    trap '$SUDO rm -f "$policy"' EXIT
  fi
  log="$(mktemp)"
  if ! { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
    cat "$log" >&2
    exit 1
  fi
  rm -f "$log"
fi

if [ "$SUDO" != "none" ]; then
  $SUDO bash ./setup-interop.sh
fi

# PostgreSQL and Redis for the scaled-mode tests: the running ones on 127.0.0.1:5432 / :6379, or
# (installed from Debian's packages when missing) private ones on loopback, stopped by
# `test-services.sh stop` when scripts/test.sh ends. Writes test-results/services.env.
bash ./test-services.sh start
