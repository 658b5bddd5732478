#!/usr/bin/env bash
# PostgreSQL and Redis for the scaled-mode tests (store contract on Postgres, workers, fan-out).
#   test-services.sh start   run by setup-system.sh (so at the start of `npm test`)
#   test-services.sh stop    run by scripts/test.sh when the run ends
# start: where a server already answers on 127.0.0.1:5432 / 127.0.0.1:6379 (a developer machine, a
# CI machine that starts its own) it is used as it is. Where none does, the Debian package is
# installed if missing (postgresql, redis-server; never started system-wide) and a private server is
# started from a state directory, bound to 127.0.0.1 only: a throw-away PostgreSQL cluster (trust
# authentication on loopback, nothing written to /etc) and a Redis without persistence. stop ends
# only what start started. Either way the URLs go to test-results/services.env, which the tests read
# (tests/fixtures/test-services.ts); TEST_DATABASE_URL / TEST_REDIS_URL in the environment win.
# Each test run makes its own database (mxray_test_<random>) and Redis key prefix on them.
set -euo pipefail
cd "$(dirname "$0")/.."

STATE=${MXRAY_TEST_SERVICES_DIR:-/tmp/mxray-test-services}
ENV_FILE=test-results/services.env
PG_PORT=5432
REDIS_PORT=6379

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else SUDO="none"; fi
fi

log() { echo "test-services: $*" >&2; }

answers() { timeout 2 bash -c ">/dev/tcp/127.0.0.1/$1" 2>/dev/null; }

wait_for() {
  local port=$1 what=$2
  for _ in $(seq 1 100); do
    answers "$port" && return 0
    sleep 0.2
  done
  log "$what did not start listening on 127.0.0.1:$port"
  return 1
}

# Runs a command as a system user when we are root (initdb and postgres refuse to run as root).
as_user() {
  local user=$1; shift
  if [ "$(id -u)" -eq 0 ]; then runuser -u "$user" -- "$@"; else "$@"; fi
}

install_packages() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$SUDO" = "none" ]; then
    log "missing Debian packages: ${missing[*]} (run as root or install them)"
    exit 1
  fi
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # Installing a daemon must not start it system-wide: a policy-rc.d that denies every start,
  # unless the machine already has one (as in setup-system.sh).
  local policy=/usr/sbin/policy-rc.d placed=""
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null
    $SUDO chmod 0755 "$policy"
    placed=1
  fi
  local out rc=0
  out="$(mktemp)"
  { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >"$out" 2>&1 || rc=$?
  [ -n "$placed" ] && $SUDO rm -f "$policy"
  if [ $rc -ne 0 ]; then cat "$out" >&2; rm -f "$out"; exit 1; fi
  rm -f "$out"
}

start_postgres() {
  if answers $PG_PORT; then
    log "PostgreSQL answers on 127.0.0.1:$PG_PORT: using it"
    return 0
  fi
  install_packages postgresql
  local bin
  bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
  [ -x "$bin/initdb" ] || { log "no initdb under /usr/lib/postgresql/*/bin"; exit 1; }
  local data="$STATE/pg"
  rm -rf "$data" && mkdir -p "$data"
  [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$data"
  chmod 0700 "$data"
  as_user postgres "$bin/initdb" -D "$data" -U postgres -A trust -E UTF8 --no-locale >/dev/null
  # Loopback only; the socket stays in the private directory (no /var/run/postgresql needed).
  as_user postgres "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $data -c fsync=off -c full_page_writes=off" start >/dev/null
  echo "$bin" >"$STATE/pg.started"
  wait_for $PG_PORT PostgreSQL
  log "started a private PostgreSQL on 127.0.0.1:$PG_PORT ($data)"
}

start_redis() {
  if answers $REDIS_PORT; then
    log "Redis answers on 127.0.0.1:$REDIS_PORT: using it"
    return 0
  fi
  install_packages redis-server
  local dir="$STATE/redis"
  rm -rf "$dir" && mkdir -p "$dir"
  local user=root
  if [ "$(id -u)" -eq 0 ] && id redis >/dev/null 2>&1; then user=redis; chown redis:redis "$dir"; fi
  as_user "$user" redis-server --bind 127.0.0.1 --port $REDIS_PORT --protected-mode yes \
    --daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" --dir "$dir" \
    --save '' --appendonly no
  touch "$STATE/redis.started"
  wait_for $REDIS_PORT Redis
  log "started a private Redis on 127.0.0.1:$REDIS_PORT ($dir)"
}

stop_services() {
  if [ -f "$STATE/pg.started" ]; then
    local bin
    bin="$(cat "$STATE/pg.started")"
    as_user postgres "$bin/pg_ctl" -D "$STATE/pg" -m fast -w stop >/dev/null 2>&1 || log "could not stop the private PostgreSQL"
    rm -rf "$STATE/pg" "$STATE/pg.started"
    log "stopped the private PostgreSQL"
  fi
  if [ -f "$STATE/redis.started" ]; then
    local pid
    pid="$(cat "$STATE/redis/redis.pid" 2>/dev/null || true)"
    if [ -n "$pid" ]; then
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    fi
    rm -rf "$STATE/redis" "$STATE/redis.started"
    log "stopped the private Redis"
  fi
}

case "${1:-start}" in
  start)
    mkdir -p "$STATE" test-results
    start_postgres
    start_redis
    {
      echo "TEST_DATABASE_URL=${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:$PG_PORT/postgres}"
      echo "TEST_REDIS_URL=${TEST_REDIS_URL:-redis://127.0.0.1:$REDIS_PORT/0}"
    } >"$ENV_FILE"
    ;;
  stop)
    stop_services
    ;;
  *)
    echo "usage: $0 start|stop" >&2
    exit 2
    ;;
esac
