/**
 * What describeTls reports about the protocol (version, cipher, key exchange) and the key, and
 * that the shared context really reaches old servers. Real handshakes on 127.30.0.3.
 */
import { once } from 'node:events';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TlsInfo } from '@/lib/probe/schema';
import type { TlsContext } from '@/lib/probe/types';
import { createTlsContext } from '@/lib/probe/tls/tls-context';
import { createTestPki, type PkiLeaf, type TestPki } from '@/tests/fixtures/pki';
import {
  handshakeAndDescribe,
  startStarttlsServer,
  startTlsServer,
  type TestServer,
} from '@/tests/fixtures/tls-server';

const HOST = '127.30.0.3';
const SERVERNAME = 'mx.example.test';
// OpenSSL 3 refuses TLS < 1.2 (SHA-1 handshake signatures) below security level 0, on either side.
const OLD_TLS = 'DEFAULT:@SECLEVEL=0';

let pki: TestPki;
let ctx: TlsContext;
const servers: TestServer[] = [];

beforeAll(async () => {
  pki = await createTestPki({ hosts: [SERVERNAME] });
  ctx = createTlsContext({ extraCaFile: '', extraCaPem: pki.caPem });
});
afterAll(() => Promise.all(servers.map((s) => s.close())));

async function serve(leaf: PkiLeaf, options: tls.TlsOptions = {}): Promise<TestServer> {
  const server = await startTlsServer({ host: HOST, leaf, tls: options });
  servers.push(server);
  return server;
}

const probe = (server: TestServer): Promise<TlsInfo> => handshakeAndDescribe(server, { ctx, servername: SERVERNAME });

describe('describeTls protocol details', () => {
  it('reports TLSv1.2 and its key exchange group for a server limited to TLS 1.2', async () => {
    const info = await probe(await serve(pki.valid, { maxVersion: 'TLSv1.2' }));
    expect(info.version).toBe('TLSv1.2');
    expect(info.cipher).toMatch(/^ECDHE-ECDSA-/);
    expect(info.cipherStandardName).toMatch(/^TLS_ECDHE_ECDSA_WITH_/);
    expect(info).toMatchObject({ group: 'X25519', groupBits: 253, trusted: true });
  });

  it('names NIST curves the way TLS does', async () => {
    const info = await probe(await serve(pki.valid, { maxVersion: 'TLSv1.2', ecdhCurve: 'P-384' }));
    expect(info).toMatchObject({ group: 'P-384', groupBits: 384 });
  });

  it('reports a finite-field Diffie-Hellman key exchange as DH with its size', async () => {
    const server = await serve(pki.validRsa, { maxVersion: 'TLSv1.2', ciphers: 'DHE-RSA-AES128-GCM-SHA256', dhparam: 'auto' });
    const info = await probe(server);
    expect(info.cipher).toBe('DHE-RSA-AES128-GCM-SHA256');
    expect(info.group).toBe('DH');
    expect(info.groupBits).toBeGreaterThanOrEqual(2048);
  });

  it('uses RSA key details for an RSA 2048 leaf', async () => {
    const info = await probe(await serve(pki.validRsa, { maxVersion: 'TLSv1.2' }));
    expect(info.cipher).toMatch(/^ECDHE-RSA-/);
    expect(info.chain[0]).toMatchObject({ keyType: 'rsa', keyBits: 2048 });
    expect(info.trusted).toBe(true);
  });

  it('still measures a server with a 1024-bit RSA key instead of refusing it', async () => {
    const info = await probe(await serve(pki.weakRsa, { ciphers: OLD_TLS }));
    expect(info.chain[0]).toMatchObject({ keyType: 'rsa', keyBits: 1024 });
    expect(info.trusted).toBe(true);
  });

  it('measures a TLS 1.0-only server as TLSv1', async () => {
    const info = await probe(await serve(pki.valid, { minVersion: 'TLSv1', maxVersion: 'TLSv1', ciphers: OLD_TLS }));
    expect(info.version).toBe('TLSv1');
    expect(info.cipher).toMatch(/^ECDHE-ECDSA-AES(128|256)-SHA$/);
    expect(info.trusted).toBe(true);
  });

  it('measures a TLS 1.1-only server as TLSv1.1', async () => {
    const info = await probe(await serve(pki.valid, { minVersion: 'TLSv1.1', maxVersion: 'TLSv1.1', ciphers: OLD_TLS }));
    expect(info.version).toBe('TLSv1.1');
  });

  it('needs both minVersion TLSv1 and SECLEVEL=0 to reach a TLS 1.0-only server', async () => {
    const server = await serve(pki.valid, { minVersion: 'TLSv1', maxVersion: 'TLSv1', ciphers: OLD_TLS });
    const attempt = (secureContext: tls.SecureContext) =>
      new Promise<string>((resolve) => {
        const socket = tls.connect({ host: HOST, port: server.port, servername: SERVERNAME, secureContext, rejectUnauthorized: false });
        socket.once('secureConnect', () => {
          resolve(String(socket.getProtocol()));
          socket.destroy();
        });
        socket.once('error', (err: NodeJS.ErrnoException) => resolve(`failed: ${err.code ?? err.message}`));
      });
    expect(await attempt(tls.createSecureContext({ ca: pki.caPem }))).toMatch(/^failed/);
    expect(await attempt(tls.createSecureContext({ ca: pki.caPem, minVersion: 'TLSv1' }))).toMatch(/^failed/);
    expect(await attempt(ctx.secureContext)).toBe('TLSv1');
  });

  it('describes a connection upgraded with STARTTLS the same way', async () => {
    const server = await startStarttlsServer({ host: HOST, leaf: pki.valid });
    servers.push(server);
    const plain = net.connect({ host: HOST, port: server.port });
    try {
      await once(plain, 'data'); // 220 ready
      plain.write('STARTTLS\r\n');
      await once(plain, 'data'); // 220 go ahead
      const info = await handshakeAndDescribe({ socket: plain }, { ctx, servername: SERVERNAME });
      expect(info).toMatchObject({ mode: 'starttls', trusted: true, hostnameMatch: true, version: 'TLSv1.3' });
      expect(info.chain).toHaveLength(3);
    } finally {
      plain.destroy();
    }
  });
});
