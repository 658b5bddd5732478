#!/usr/bin/env bash
# TEST STAND-INS, NOT PRODUCT FILES. Builds local images under the official tags that Dockerfile,
# docker-compose.yml and deploy/unbound/Dockerfile use, for machines that reach Debian's packages and
# the npm registry but not Docker Hub (this project's machines and CI):
#
#   debian:bookworm-slim   debootstrap --variant=minbase bookworm, imported
#   node:20-bookworm-slim  that + this host's Node 20 (binary, npm, headers) under /usr/local, user node
#   postgres:16-bookworm   that + Debian's postgresql (15: bookworm has no 16) and a small entrypoint
#                          doing what the official one does with POSTGRES_USER/PASSWORD/DB and PGDATA
#   redis:7-bookworm       that + Debian's redis-server (7.0), WORKDIR /data, runs as redis
#
# They behave like the official images as far as our files rely on them (entrypoints, environment,
# pg_isready, redis-cli, paths, users). Stand-in-only settings, because nothing but the two
# registries is reachable: the node image's global npmrc points node-gyp at the bundled headers
# (nodedir), makes prebuild-install build from source instead of downloading from GitHub, and
# trusts the CA file this host's npm uses for the registry (cafile), if it has one.
# An image already present under its tag is kept (STANDINS_REBUILD=1 rebuilds all four).
#
# Runs as root on Debian bookworm with dockerd up (scripts/compose-smoke.sh does both).
# Only the RUN steps that install Debian packages use the host network (`--network host`).
set -euo pipefail

WORK=${STANDINS_DIR:-/var/tmp/mxray-standins}
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
HERE=$(cd "$(dirname "$0")" && pwd)
REBUILD=${STANDINS_REBUILD:-0}
log() { printf '[standins] %s\n' "$*" >&2; }
have() { [ "$REBUILD" != 1 ] && docker image inspect "$1" >/dev/null 2>&1; }

mkdir -p "$WORK"

# --- debian:bookworm-slim -----------------------------------------------------------------------
if ! have debian:bookworm-slim; then
  command -v debootstrap >/dev/null || apt-get install -y -q --no-install-recommends debootstrap
  R=$WORK/rootfs
  if [ ! -f "$R/.standin-debootstrapped" ]; then
    rm -rf "$R"
    log "debootstrap bookworm (minbase) from $MIRROR"
    debootstrap --variant=minbase bookworm "$R" "$MIRROR" >"$WORK/debootstrap.log" 2>&1 \
      || { tail -20 "$WORK/debootstrap.log" >&2; exit 1; }
    touch "$R/.standin-debootstrapped"
  fi
  cat >"$R/etc/apt/sources.list" <<SRC
deb $MIRROR bookworm main
deb $MIRROR bookworm-updates main
deb ${MIRROR%/debian}/debian-security bookworm-security main
SRC
  # as the official image: no service starts inside a build, no package lists, no host files
  printf '#!/bin/sh\nexit 101\n' >"$R/usr/sbin/policy-rc.d" && chmod 755 "$R/usr/sbin/policy-rc.d"
  printf 'APT::Install-Recommends "false";\n' >"$R/etc/apt/apt.conf.d/90-no-recommends"
  rm -rf "$R"/var/lib/apt/lists/* "$R"/var/cache/apt/*.bin "$R"/var/cache/apt/archives/*.deb "$R"/tmp/*
  : >"$R/etc/resolv.conf"; : >"$R/etc/hostname"; rm -f "$R/.standin-debootstrapped"
  log "importing debian:bookworm-slim"
  tar -C "$R" -c . | docker import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["bash"]' - debian:bookworm-slim >/dev/null
  rm -rf "$R"
fi

# --- node:20-bookworm-slim ----------------------------------------------------------------------
if ! have node:20-bookworm-slim; then
  NODE=$(command -v node)
  case "$("$NODE" --version)" in v20.*) ;; *) log "need Node 20 on this host (have $("$NODE" --version))"; exit 1 ;; esac
  PREFIX=$(cd "$(dirname "$(readlink -f "$NODE")")/.." && pwd)
  C=$WORK/node-ctx; rm -rf "$C"; mkdir -p "$C"
  cp "$(readlink -f "$NODE")" "$C/node"
  cp -a "$PREFIX/lib/node_modules/npm" "$C/npm"
  cp -a "$PREFIX/include/node" "$C/include"
  cp "$HERE/standins/node-entrypoint.sh" "$C/docker-entrypoint.sh"
  # This host's npm may reach the registry through a TLS proxy with a CA of its own (npm's cafile):
  # the image's npm trusts the same file.
  CAFILE=$(npm config get cafile 2>/dev/null || true)
  if [ -n "$CAFILE" ] && [ "$CAFILE" != null ] && [ -f "$CAFILE" ]; then cp "$CAFILE" "$C/npm-ca.crt"; CA_LINE='cafile=/usr/local/etc/npm-ca.crt\n'; else : >"$C/npm-ca.crt"; CA_LINE=; fi
  cat >"$C/Dockerfile" <<DF
FROM debian:bookworm-slim
RUN groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node
ENV NODE_VERSION=$("$NODE" --version | tr -d v)
COPY node /usr/local/bin/node
COPY npm /usr/local/lib/node_modules/npm
COPY include /usr/local/include/node
COPY docker-entrypoint.sh /usr/local/bin/
COPY npm-ca.crt /usr/local/etc/npm-ca.crt
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \\
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \\
 && mkdir -p /usr/local/etc \\
 && printf 'nodedir=/usr/local\nbuild-from-source=true\n${CA_LINE}update-notifier=false\nfund=false\naudit=false\n' > /usr/local/etc/npmrc \\
 && node --version && npm --version
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["node"]
DF
  log "building node:20-bookworm-slim (Node $("$NODE" --version) from $PREFIX)"
  docker build -q -t node:20-bookworm-slim "$C" >/dev/null
  rm -rf "$C"
fi

# --- postgres:16-bookworm -----------------------------------------------------------------------
if ! have postgres:16-bookworm; then
  C=$WORK/pg-ctx; rm -rf "$C"; mkdir -p "$C"
  cp "$HERE/standins/postgres-entrypoint.sh" "$C/docker-entrypoint.sh"
  cat >"$C/Dockerfile" <<'DF'
FROM debian:bookworm-slim
# the official image has no "main" cluster: its entrypoint initialises PGDATA
RUN mkdir -p /etc/postgresql-common/createcluster.d \
 && echo 'create_main_cluster = false' > /etc/postgresql-common/createcluster.d/no-main.conf \
 && apt-get update && apt-get install -y --no-install-recommends postgresql gosu \
 && rm -rf /var/lib/apt/lists/* \
 && ls /usr/lib/postgresql/ > /pg-major
ENV PG_MAJOR=15 \
    PATH=/usr/lib/postgresql/15/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    PGDATA=/var/lib/postgresql/data
RUN test "$(cat /pg-major)" = "$PG_MAJOR" \
 && install -d -o postgres -g postgres -m 3777 /var/run/postgresql \
 && install -d -o postgres -g postgres -m 1777 "$PGDATA"
COPY docker-entrypoint.sh /usr/local/bin/
VOLUME /var/lib/postgresql/data
ENTRYPOINT ["docker-entrypoint.sh"]
STOPSIGNAL SIGINT
EXPOSE 5432
CMD ["postgres"]
DF
  log "building postgres:16-bookworm (Debian's PostgreSQL 15)"
  docker build -q --network host -t postgres:16-bookworm "$C" >/dev/null
  rm -rf "$C"
fi

# --- redis:7-bookworm ---------------------------------------------------------------------------
if ! have redis:7-bookworm; then
  C=$WORK/redis-ctx; rm -rf "$C"; mkdir -p "$C"
  cp "$HERE/standins/redis-entrypoint.sh" "$C/docker-entrypoint.sh"
  cat >"$C/Dockerfile" <<'DF'
FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends redis-server redis-tools gosu \
 && rm -rf /var/lib/apt/lists/* \
 && install -d -o redis -g redis /data
VOLUME /data
WORKDIR /data
COPY docker-entrypoint.sh /usr/local/bin/
ENTRYPOINT ["docker-entrypoint.sh"]
EXPOSE 6379
CMD ["redis-server"]
DF
  log "building redis:7-bookworm (Debian's redis-server)"
  docker build -q --network host -t redis:7-bookworm "$C" >/dev/null
  rm -rf "$C"
fi

docker image ls --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep -E '^(debian:bookworm-slim|node:20-bookworm-slim|postgres:16-bookworm|redis:7-bookworm) ' >&2
