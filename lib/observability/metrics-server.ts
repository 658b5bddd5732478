/**
 * The Prometheus endpoint: a small HTTP server of its own, apart from the web app's port, so it is
 * never public by accident. On loopback it answers anyone on the machine (a Prometheus agent or a
 * sidecar); bound anywhere else it requires a bearer token, and without one it refuses to start.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import ipaddr from 'ipaddr.js';
import type { Registry } from 'prom-client';

export type MetricsAccess =
  | { kind: 'off' }
  | { kind: 'open'; host: string; port: number }
  | { kind: 'token'; host: string; port: number; token: string };

export class MetricsConfigError extends Error {}

/** Loopback per the bind address: 127.0.0.0/8, ::1, ::ffff:127.x, and the name localhost (RFC 6761 §6.3). */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (!ipaddr.isValid(h)) return false;
  let addr = ipaddr.parse(h);
  if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress()) addr = (addr as ipaddr.IPv6).toIPv4Address();
  return addr.range() === 'loopback';
}

/**
 * Who may read the metrics, from METRICS_PORT / METRICS_HOST / METRICS_TOKEN. Port 0 or unset: no
 * endpoint. A token, when set, is always required. Off loopback a token is mandatory: this throws.
 */
export function metricsAccess(config: { port: number; host: string; token?: string | undefined }): MetricsAccess {
  if (!config.port) return { kind: 'off' };
  const token = config.token?.trim();
  if (token) return { kind: 'token', host: config.host, port: config.port, token };
  if (isLoopbackHost(config.host)) return { kind: 'open', host: config.host, port: config.port };
  throw new MetricsConfigError(
    `METRICS_HOST=${config.host} is not a loopback address: set METRICS_TOKEN (a bearer token of 16+ characters) or bind 127.0.0.1`,
  );
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Constant-time comparison of the Authorization header with `Bearer <token>`. */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return m !== null && timingSafeEqual(digest(m[1]!), digest(token));
}

export interface MetricsServer {
  readonly port: number;
  close(): Promise<void>;
}

function handle(registry: Registry, access: Exclude<MetricsAccess, { kind: 'off' }>) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    const send = (status: number, body: string, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', ...headers });
      res.end(body);
    };
    if (path !== '/metrics') return send(404, 'not found: the metrics are at /metrics\n');
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'method not allowed\n', { Allow: 'GET, HEAD' });
    if (access.kind === 'token' && !bearerMatches(req.headers.authorization, access.token)) {
      return send(401, 'a bearer token is required\n', { 'WWW-Authenticate': 'Bearer realm="mxray-metrics"' });
    }
    registry.metrics().then(
      (text) => send(200, req.method === 'HEAD' ? '' : text, { 'Content-Type': registry.contentType }),
      (err: unknown) => send(500, `could not collect metrics: ${(err as Error).message}\n`),
    );
  };
}

export function startMetricsServer(registry: Registry, access: Exclude<MetricsAccess, { kind: 'off' }>): Promise<MetricsServer> {
  const server: Server = createServer(handle(registry, access));
  // A scrape is one short request: no reason to hold idle sockets open for long.
  server.keepAliveTimeout = 5_000;
  server.requestTimeout = 10_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(access.port, access.host, () => {
      server.off('error', reject);
      // Never keep the process alive on its own: the web server's lifetime decides.
      server.unref();
      const addr = server.address();
      resolve({
        port: typeof addr === 'object' && addr ? addr.port : access.port,
        close: () => new Promise((r) => server.close(() => r())),
      });
    });
  });
}
