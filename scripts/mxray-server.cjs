'use strict';
// The production entry point: Next's standalone server (.next/standalone/server.js) behind a small
// hook on the HTTP server it creates. The Dockerfile, scripts/start.mjs and the tests'
// production-server fixture all start this file, with the standalone server.js beside it (or its
// path as the first argument).
//
// Why a hook: Next route handlers never see the socket, and Next keeps an X-Forwarded-For that the
// client sent itself, so a client could choose its own rate-limit key. Here, where the socket is
// visible, every request gets our own header (x-mxray-client) computed from the TCP peer — or, with
// TRUST_PROXY, from exactly TRUST_PROXY_HOPS trusted proxies — and any copy the client sent is
// replaced. Route code reads only that header (lib/checks/client-key.ts).
//
// It also sets the slowloris defences where the server is created (headers/request/keep-alive
// timeouts, a connection cap overall and per peer address). Plain CommonJS with no dependency: it
// runs before Next and before lib/env.ts, so it validates its own few variables and stops with a
// clear message on a bad value.
const http = require('node:http');
const path = require('node:path');

const CLIENT_HEADER = 'x-mxray-client';

function fail(message) {
  console.error(`mxray: invalid configuration: ${message}`);
  process.exit(1);
}

function intEnv(env, name, def, min, max) {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return def;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) fail(`${name} must be a whole number from ${min} to ${max}, not "${raw}"`);
  return n;
}

function boolEnv(env, name, def) {
  const raw = (env[name] ?? '').trim().toLowerCase();
  if (raw === '') return def;
  if (['true', '1', 'yes'].includes(raw)) return true;
  if (['false', '0', 'no'].includes(raw)) return false;
  return fail(`${name} must be true or false, not "${env[name]}"`);
}

/** The server-side settings, from the environment (defaults documented in README.md). */
function serverConfig(env = process.env) {
  return {
    trustProxy: boolEnv(env, 'TRUST_PROXY', false),
    trustProxyHops: intEnv(env, 'TRUST_PROXY_HOPS', 1, 1, 10),
    // Slowloris: a client must finish its headers within this time, its whole request (body
    // included) within requestTimeout. Node's defaults (60 s / 300 s) let a few hundred slow
    // sockets hold the server for minutes.
    headersTimeoutMs: intEnv(env, 'SERVER_HEADERS_TIMEOUT_MS', 10_000, 500, 120_000),
    requestTimeoutMs: intEnv(env, 'SERVER_REQUEST_TIMEOUT_MS', 30_000, 1_000, 600_000),
    keepAliveTimeoutMs: intEnv(env, 'SERVER_KEEP_ALIVE_TIMEOUT_MS', 5_000, 100, 120_000),
    maxConnections: intEnv(env, 'SERVER_MAX_CONNECTIONS', 2_000, 10, 100_000),
    // Per TCP peer; ignored behind a trusted proxy (every request comes from the proxy then).
    maxConnectionsPerClient: intEnv(env, 'SERVER_MAX_CONNECTIONS_PER_CLIENT', 100, 1, 100_000),
    // V8 lets a heap grow up to 4x its live size between major collections when it allocates fast;
    // under load the web thread's heap was then ~80 % garbage (see applyHeapGrowing). 0: V8's own.
    heapGrowingPercent: intEnv(env, 'SERVER_HEAP_GROWING_PERCENT', 20, 0, 400),
  };
}

/**
 * Caps how far each V8 heap of the process (the web thread's and the check runner thread's) may
 * grow past its live size before the next major collection: (1 + percent/100) instead of V8's
 * adaptive factor of up to 4. Under the load run holding ~1,000 checks the web thread's heap
 * reached 395 MB with 70 MB live after a collection (BENCHMARKS.md, "Memory and the SSE path").
 * V8 reads the flag at each collection,
 * and worker threads share the process's flags, so setting it here, before Next loads, is enough.
 */
function applyHeapGrowing(config) {
  if (config.heapGrowingPercent > 0) require('node:v8').setFlagsFromString(`--heap-growing-percent=${config.heapGrowingPercent}`);
}

/**
 * Node flags every launcher starts this file with (scripts/start.mjs, the Dockerfile's CMD, the
 * tests' production-server fixture). V8 sizes the web thread's young generation when the process
 * starts, so unlike the heap-growing factor above this cannot be set from here at run time.
 * The semi-space cap: V8's default on 64-bit is 16 MB per semi-space, a 32 MB new space that a
 * loaded server fills and keeps. With 2 MB each, the server holding 1,000 probing checks peaked
 * ~70 MB lower (487-583 MB against 566-615 MB, four runs each); in the burst model the web
 * thread's CPU per check did not change and V8's GC helper threads spent ~5 ms per check more
 * (BENCHMARKS.md, "Memory of 1,000 probing checks, second round"). The engine thread sets its own
 * young generation (lib/checks/thread-executor.ts); the store writer's stays small either way.
 */
const SERVER_NODE_FLAGS = Object.freeze(['--max-semi-space-size=2']);

/** X-Forwarded-For entries in order, whether the header came once or several times. */
function forwardedFor(headers) {
  const raw = headers['x-forwarded-for'];
  const joined = Array.isArray(raw) ? raw.join(',') : (raw ?? '');
  return joined
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/**
 * The client's address for one request. Without a trusted proxy: the TCP peer, whatever the headers
 * say. With TRUST_PROXY and N hops: each of our N proxies appended the address it saw, and the
 * nearest one is the TCP peer, so the client is the entry N places left of the peer; entries
 * further left were written by the client and are ignored.
 */
function clientAddress(peer, headers, config) {
  if (!config.trustProxy) return peer ?? '';
  const chain = [...forwardedFor(headers), peer ?? ''];
  return chain[Math.max(0, chain.length - 1 - config.trustProxyHops)] ?? '';
}

/**
 * Routes the app serves beside Next's router (lib/http/direct-route.ts: the check POST and the
 * event streams, answered from IncomingMessage to ServerResponse by the same cores Next's route
 * handlers carry). The app installs the hook when such a route's module loads (at start,
 * instrumentation.ts); until then, and for every request it does not claim, Next.
 */
const DIRECT_REQUEST = Symbol.for('mxray.directRequest');

/** connections the kernel may queue before the server accepts them (capped by net.core.somaxconn) */
const LISTEN_BACKLOG = 4096;

function wrapListener(listener, config) {
  return function mxrayRequest(req, res) {
    req.headers[CLIENT_HEADER] = clientAddress(req.socket.remoteAddress, req.headers, config);
    const direct = globalThis[DIRECT_REQUEST];
    if (typeof direct === 'function' && direct(req, res) === true) return undefined;
    return listener.call(this, req, res);
  };
}

/** Caps connections per TCP peer: one client's slow sockets cannot take every slot. */
function limitPerPeer(server, max) {
  const open = new Map();
  server.on('connection', (socket) => {
    const key = socket.remoteAddress ?? '';
    const n = (open.get(key) ?? 0) + 1;
    if (n > max) {
      socket.destroy();
      return;
    }
    open.set(key, n);
    socket.once('close', () => {
      const left = (open.get(key) ?? 1) - 1;
      if (left <= 0) open.delete(key);
      else open.set(key, left);
    });
  });
}

function install(config = serverConfig()) {
  const original = http.createServer;
  http.createServer = function createServer(options, listener) {
    if (typeof options === 'function') [listener, options] = [options, {}];
    const server = original.call(http, {
      headersTimeout: config.headersTimeoutMs,
      requestTimeout: config.requestTimeoutMs,
      keepAliveTimeout: config.keepAliveTimeoutMs,
      // How often Node checks the two timeouts above (default 30 s would make them coarse).
      connectionsCheckingInterval: Math.min(1_000, config.headersTimeoutMs),
      ...options,
    });
    server.keepAliveTimeout = config.keepAliveTimeoutMs;
    server.maxConnections = config.maxConnections;
    // Next listens with Node's default backlog (511): a burst of viewers opening their streams
    // while the event loop is busy overflowed it, and clients timed out connecting (undici's 10 s)
    // in the 1,000-held load run. The kernel caps this at net.core.somaxconn.
    const listen = server.listen;
    server.listen = function (...args) {
      if ((typeof args[0] === 'number' || typeof args[0] === 'string') && typeof args[1] === 'string' && (args.length === 2 || typeof args[2] === 'function')) {
        return listen.call(this, { port: Number(args[0]), host: args[1], backlog: LISTEN_BACKLOG }, ...args.slice(2));
      }
      return listen.apply(this, args);
    };
    if (!config.trustProxy) limitPerPeer(server, config.maxConnectionsPerClient);
    // Next registers its handler either here or later with on('request'): wrap both ways.
    if (listener) server.on('request', wrapListener(listener, config));
    const on = server.on;
    server.on = server.addListener = function (event, fn) {
      return on.call(this, event, event === 'request' && fn.name !== 'mxrayRequest' ? wrapListener(fn, config) : fn);
    };
    return server;
  };
}

module.exports = { CLIENT_HEADER, DIRECT_REQUEST, LISTEN_BACKLOG, SERVER_NODE_FLAGS, applyHeapGrowing, clientAddress, serverConfig, wrapListener, install };

if (require.main === module) {
  // Checked here too (lib/checks/get-runner.ts refuses as well) so a misconfigured container stops
  // at start with a clear message instead of answering its first check with a 500.
  // The same rule as assertEhloNameConfigured in lib/env.ts (this file runs before any TypeScript).
  const host = (process.env.HOSTNAME ?? '').trim().toLowerCase().replace(/^\[|\]$/g, '');
  const loopbackOnly = host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
  if ((process.env.NODE_ENV ?? 'production') === 'production' && !(process.env.PROBE_EHLO_NAME ?? '').trim() && !loopbackOnly) {
    fail('PROBE_EHLO_NAME is required when the server listens on a non-loopback address: the public host name mxray announces in EHLO (e.g. mxray.example.org)');
  }
  const config = serverConfig();
  applyHeapGrowing(config);
  install(config);
  require(path.resolve(process.argv[2] ?? path.join(__dirname, 'server.js')));
}
