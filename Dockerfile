# mxray: multi-stage build of the Next.js standalone server.
#   docker build -t mxray .
#   docker run -p 3000:3000 -v mxray-data:/data -e PROBE_EHLO_NAME=mxray.example.org mxray
# No Docker engine runs in this project's CI: tests/e2e/ (harness.ts → scripts/start.mjs) starts the same
# standalone server (node .next/standalone/server.js) with the same environment to keep this honest,
# and scripts/compose-smoke.sh (opt-in, root) builds this image and runs docker-compose.yml end to end.

FROM node:20-bookworm-slim AS deps
WORKDIR /app
# better-sqlite3 builds from source when no prebuilt binary matches.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
# prepare (the CLI build) needs the sources, which come in the next stage: install without
# lifecycle scripts, then run the two native packages' own install steps.
RUN npm ci --ignore-scripts && npm rebuild better-sqlite3 esbuild

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY . .
ENV NEXT_TELEMETRY_DISABLED=1
RUN npm run build && npm run build:cli

FROM node:20-bookworm-slim AS run
WORKDIR /app
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    HOSTNAME=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data
RUN groupadd --system --gid 1001 mxray && useradd --system --uid 1001 --gid mxray mxray \
  && mkdir -p /data && chown mxray:mxray /data
COPY --from=build --chown=mxray:mxray /app/.next/standalone ./
COPY --from=build --chown=mxray:mxray /app/.next/static ./.next/static
COPY --from=build --chown=mxray:mxray /app/public ./public
# The hook in front of server.js: client address from the socket (not a client-sent header),
# slowloris timeouts and connection caps.
COPY --from=build --chown=mxray:mxray /app/scripts/mxray-server.cjs ./mxray-server.cjs
# Scaled mode's probe worker (ROLE=worker): its packages resolve from the standalone node_modules.
COPY --from=build --chown=mxray:mxray /app/dist/worker ./worker
USER mxray
VOLUME ["/data"]
EXPOSE 3000
# Readiness (store writable, runner accepting, not shutting down): the container turns unhealthy on
# SIGTERM before it drains. Orchestrators with separate probes: liveness /api/health/live, readiness
# /api/health/ready. Metrics: METRICS_PORT (loopback by default; METRICS_TOKEN to publish them).
# ROLE=worker (scaled mode, README "Scaling out") has no web server: its metrics endpoint answers
# while it runs (METRICS_PORT, as docker-compose.yml sets it); without one, the process being up is
# all the check can tell.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD node -e "const e=process.env,u=e.ROLE==='worker'?(e.METRICS_PORT>0&&'http://127.0.0.1:'+e.METRICS_PORT+'/metrics'):'http://127.0.0.1:'+(e.PORT||3000)+'/api/health/ready';if(!u)process.exit(0);fetch(u).then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
# ROLE=web (default): the web server, with the Node flags of SERVER_NODE_FLAGS in mxray-server.cjs
# (tests/unit/server-node-flags.test.ts keeps them equal). ROLE=worker: a probe worker taking checks from Redis.
ENV ROLE=web
CMD ["sh", "-c", "if [ \"$ROLE\" = worker ]; then exec node worker/worker.mjs; else exec node --max-semi-space-size=2 mxray-server.cjs; fi"]
