/**
 * The production entry point (scripts/mxray-server.cjs) listens with a deep accept queue: Next calls
 * server.listen(port, hostname) with Node's default backlog (511), and a burst of SSE viewers opening
 * their streams while the event loop was busy overflowed it (clients timed out connecting). Loopback
 * block 127.142 (lane b11mem).
 */
import { createRequire } from 'node:module';
import net from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';

const require = createRequire(import.meta.url);
const hook = require('../../scripts/mxray-server.cjs') as {
  LISTEN_BACKLOG: number;
  install: (config: unknown) => void;
  serverConfig: (env: Record<string, string>) => unknown;
};

const http = require('node:http') as typeof import('node:http');
const createServer = http.createServer;
afterEach(() => {
  http.createServer = createServer;
  vi.restoreAllMocks();
});

describe('the entry point’s listen backlog', () => {
  it('Next’s listen(port, hostname) gets a 4,096-deep accept queue; other forms are passed on as they are', async () => {
    hook.install(hook.serverConfig({}));
    const listen = vi.spyOn(net.Server.prototype, 'listen');
    const server = http.createServer((_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.142.1.1', resolve));
    expect(listen).toHaveBeenCalledWith({ port: 0, host: '127.142.1.1', backlog: hook.LISTEN_BACKLOG }, expect.any(Function));
    expect(hook.LISTEN_BACKLOG).toBe(4096);
    const port = (server.address() as net.AddressInfo).port;
    expect(await (await fetch(`http://127.142.1.1:${port}/`)).text()).toBe('ok');
    await new Promise<void>((resolve) => server.close(() => resolve()));

    const other = http.createServer();
    await new Promise<void>((resolve) => other.listen({ port: 0, host: '127.142.1.2' }, resolve));
    expect(listen).toHaveBeenLastCalledWith({ port: 0, host: '127.142.1.2' }, expect.any(Function));
    await new Promise<void>((resolve) => other.close(() => resolve()));
  });
});
