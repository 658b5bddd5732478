#!/usr/bin/env bash
# Opt-in smoke test of the Docker set-up (README "Scaling out", TESTING.md): builds the image from
# Dockerfile and runs docker-compose.yml, unchanged, with the test override
# tests/compose/docker-compose.test.yml (internal network, a resolver that answers only smoke.test,
# fixture mail servers), then tests/compose/smoke.mjs: health, a check posted on web-a watched over
# SSE on web-b, a two-vantage check, a worker SIGKILLed mid-check, a restart of web-a, down then up.
#
# For a Debian bookworm machine like this project's (root, no Docker Hub): installs docker.io and
# docker-compose from Debian when missing, starts its own dockerd when none answers (no iptables
# rules, no IP forwarding, no masquerading: containers reach the host's bridges and nothing beyond),
# builds the stand-in base images (tests/compose/build-standins.sh), and tears everything down at the
# end, stopping the dockerd it started by its PID. It takes minutes (the image build runs
# `next build`); it is not part of `npm test`.
#
#   sudo scripts/compose-smoke.sh          # KEEP_STACK=1 leaves the stack (and dockerd) running
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
log() { printf '[compose-smoke] %s\n' "$*" >&2; }
[ "$(id -u)" = 0 ] || { log "run as root (it installs packages and starts dockerd)"; exit 1; }

PROJECT=${COMPOSE_SMOKE_PROJECT:-mxray-smoke}
STATE=$(mktemp -d /tmp/mxray-compose-smoke.XXXXXX)
DOCKERD_PID=
STARTED_STACK=0

cleanup() {
  local rc=$?
  set +e
  if [ "$STARTED_STACK" = 1 ] && [ "${KEEP_STACK:-0}" != 1 ]; then
    if [ "$rc" != 0 ]; then
      "${COMPOSE[@]}" logs --no-color --tail 80 >"$STATE/stack.log" 2>&1
      log "the stack's last logs: $STATE/stack.log"
    fi
    "${COMPOSE[@]}" down -v --remove-orphans >/dev/null 2>&1
  fi
  if [ -n "$DOCKERD_PID" ] && [ "${KEEP_STACK:-0}" != 1 ]; then
    log "stopping the dockerd it started (pid $DOCKERD_PID)"
    kill "$DOCKERD_PID" 2>/dev/null
    for _ in $(seq 60); do kill -0 "$DOCKERD_PID" 2>/dev/null || break; sleep 1; done
  fi
  if [ "$rc" = 0 ]; then rm -rf "$STATE"; log "passed in $((SECONDS / 60)) min $((SECONDS % 60)) s"; else log "FAILED (exit $rc); logs in $STATE"; fi
}
trap cleanup EXIT

# --- packages: Debian's docker.io (dockerd 20.10, containerd, runc) and docker-compose 1.29 -------
missing=()
command -v dockerd >/dev/null || missing+=(docker.io)
if ! docker compose version >/dev/null 2>&1 && ! command -v docker-compose >/dev/null; then missing+=(docker-compose); fi
command -v debootstrap >/dev/null || missing+=(debootstrap)
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]} from Debian"
  # no service may start during the install: this script starts dockerd itself, with its own flags
  guard=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d; chmod 755 /usr/sbin/policy-rc.d; guard=1; fi
  apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
  [ "$guard" = 1 ] && rm -f /usr/sbin/policy-rc.d
fi
if docker compose version >/dev/null 2>&1; then COMPOSE=(docker compose); else COMPOSE=(docker-compose); fi
COMPOSE+=(-p "$PROJECT" -f docker-compose.yml -f tests/compose/docker-compose.test.yml)

# --- dockerd -------------------------------------------------------------------------------------
if docker info >/dev/null 2>&1; then
  # A daemon someone else runs: its network set-up is theirs, so only with consent.
  [ "${COMPOSE_SMOKE_USE_RUNNING_DOCKERD:-0}" = 1 ] \
    || { log "a dockerd already answers: set COMPOSE_SMOKE_USE_RUNNING_DOCKERD=1 to use it"; exit 1; }
else
  log "starting dockerd (--iptables=false --ip-forward=false --ip-masq=false)"
  dockerd --iptables=false --ip6tables=false --ip-forward=false --ip-masq=false \
    --data-root "${DOCKER_DATA_ROOT:-/var/lib/docker}" >"$STATE/dockerd.log" 2>&1 &
  DOCKERD_PID=$!
  for _ in $(seq 60); do docker info >/dev/null 2>&1 && break; kill -0 "$DOCKERD_PID" 2>/dev/null || break; sleep 1; done
  docker info >/dev/null 2>&1 || { log "dockerd did not start:"; tail -20 "$STATE/dockerd.log" >&2; exit 1; }
  for f in /proc/sys/net/ipv4/ip_forward /proc/sys/net/ipv6/conf/all/forwarding; do
    [ "$(cat "$f")" = 0 ] || { log "$f is on: refusing to run containers"; exit 1; }
  done
fi

# --- stand-in base images, the stack, the checks -------------------------------------------------
bash tests/compose/build-standins.sh
export PROBE_EHLO_NAME=probe.smoke.test
"${COMPOSE[@]}" down -v --remove-orphans >/dev/null 2>&1 || true
log "building the images (${COMPOSE[*]} build)"
"${COMPOSE[@]}" build >"$STATE/build.log" 2>&1 || { tail -40 "$STATE/build.log" >&2; exit 1; }
STARTED_STACK=1
log "up"
"${COMPOSE[@]}" up -d >"$STATE/up.log" 2>&1 || { cat "$STATE/up.log" >&2; exit 1; }
COMPOSE_ARGV=$(node -e 'console.log(JSON.stringify(process.argv.slice(1)))' "${COMPOSE[@]}") \
  node tests/compose/smoke.mjs
