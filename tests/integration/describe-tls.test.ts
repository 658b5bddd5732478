/**
 * describeTls against real node:tls handshakes on 127.30.0.0/16 (this file's loopback block), one
 * server per PKI case, so every trust reason is what OpenSSL actually reports, not what we assume.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import * as tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TlsInfoSchema, type TlsInfo } from '@/lib/probe/schema';
import type { TlsContext } from '@/lib/probe/types';
import { createTlsContext } from '@/lib/probe/tls/tls-context';
import { describeTls } from '@/lib/probe/tls/describe-tls';
import { createTestPki, type PkiLeaf, type TestPki } from '@/tests/fixtures/pki';

const HOST = '127.30.0.1';
const SERVERNAME = 'mx.example.test';

let pki: TestPki;
let ctx: TlsContext;
const servers: tls.Server[] = [];

beforeAll(async () => {
  pki = await createTestPki({ hosts: [SERVERNAME] });
  // extraCaFile '' so that an NODE_EXTRA_CA_CERTS in the runner's environment cannot change trust.
  ctx = createTlsContext({ extraCaFile: '', extraCaPem: pki.caPem });
});

afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
});

async function serve(leaf: PkiLeaf, options: tls.TlsOptions = {}): Promise<number> {
  const server = tls.createServer({ key: leaf.keyPem, cert: leaf.chainPem, ...options }, (socket) => {
    socket.on('error', () => {});
    socket.end('hello\r\n');
  });
  server.on('tlsClientError', () => {});
  servers.push(server);
  server.listen(0, HOST);
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

async function probe(
  port: number,
  opts: { servername?: string; context?: TlsContext; client?: tls.ConnectionOptions } = {},
): Promise<TlsInfo> {
  const context = opts.context ?? ctx;
  const servername = opts.servername ?? SERVERNAME;
  const started = performance.now();
  const socket = tls.connect({
    host: HOST,
    port,
    servername,
    secureContext: context.secureContext,
    rejectUnauthorized: false,
    ...opts.client,
  });
  try {
    await once(socket, 'secureConnect');
    const info = describeTls(socket, {
      mode: 'implicit',
      servername,
      handshakeMs: performance.now() - started,
      now: new Date(),
      ctx: context,
    });
    // Every result must be what the schema (and thus the store, the API, the UI) accepts.
    return TlsInfoSchema.parse(info);
  } finally {
    socket.destroy();
  }
}

describe('describeTls over real handshakes', () => {
  it('reports a valid chain as trusted TLSv1.3 with the leaf, the intermediate and the anchor', async () => {
    const info = await probe(await serve(pki.valid));
    expect(info.version).toBe('TLSv1.3');
    expect(info.trusted).toBe(true);
    expect(info.trustReason).toBeUndefined();
    expect(info.verifyError).toBeUndefined();
    expect(info.hostnameMatch).toBe(true);
    expect(info.servername).toBe(SERVERNAME);
    expect(info.mode).toBe('implicit');
    expect(info.cipher).toMatch(/^TLS_/);
    expect(info.cipherStandardName).toMatch(/^TLS_/);
    expect(info.group).toBeTruthy();
    expect(info.groupBits).toBeGreaterThan(0);
    expect(info.handshakeMs).toBeGreaterThan(0);
    expect(info.chain.map((c) => c.commonName)).toEqual([
      SERVERNAME,
      'mxray Test Intermediate CA',
      'mxray Test Root CA',
    ]);
    expect(info.chain.map((c) => c.inTrustStore)).toEqual([false, false, true]);
    expect(info.chain.map((c) => c.isCA)).toEqual([false, true, true]);
    expect(info.chain[2]?.selfIssued).toBe(true);
  });

  it('reports an expired leaf in an otherwise trusted chain as expired', async () => {
    const info = await probe(await serve(pki.expired));
    expect(info.trusted).toBe(false);
    expect(info.verifyError).toBe('CERT_HAS_EXPIRED');
    expect(info.trustReason).toBe('expired');
    expect(info.hostnameMatch).toBe(true);
    expect(info.chain[0]?.daysLeft).toBeLessThan(0);
  });

  it('reports a leaf valid only in the future as not-yet-valid', async () => {
    const info = await probe(await serve(pki.notYetValid));
    expect(info.trusted).toBe(false);
    expect(info.verifyError).toBe('CERT_NOT_YET_VALID');
    expect(info.trustReason).toBe('not-yet-valid');
  });

  it('reports a leaf signing itself as self-signed', async () => {
    const info = await probe(await serve(pki.selfSigned));
    expect(info.trusted).toBe(false);
    expect(info.verifyError).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
    expect(info.trustReason).toBe('self-signed');
    expect(info.chain).toHaveLength(1);
    expect(info.chain[0]?.selfIssued).toBe(true);
    expect(info.hostnameMatch).toBe(true);
  });

  it('keeps a trusted chain trusted when only the name is wrong, and reports the mismatch', async () => {
    const info = await probe(await serve(pki.wrongHost));
    expect(info.trusted).toBe(true);
    expect(info.trustReason).toBeUndefined();
    expect(info.verifyError).toBeUndefined();
    expect(info.hostnameMatch).toBe(false);
    expect(info.chain[0]?.subjectAltNames).toEqual(['DNS:wrong-host.other.test']);
  });

  it('reports a leaf served without its intermediate as incomplete-chain', async () => {
    const info = await probe(await serve(pki.missingIntermediate));
    expect(info.trusted).toBe(false);
    expect(info.verifyError).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    expect(info.trustReason).toBe('incomplete-chain');
    expect(info.chain).toHaveLength(1);
  });

  it('reports a chain up to a root outside the trust store as unknown-issuer', async () => {
    const info = await probe(await serve(pki.untrustedCa));
    expect(info.trusted).toBe(false);
    expect(info.verifyError).toBe('SELF_SIGNED_CERT_IN_CHAIN');
    expect(info.trustReason).toBe('unknown-issuer');
    expect(info.chain.map((c) => c.commonName)).toEqual([
      SERVERNAME,
      'mxray Untrusted Intermediate CA',
      'mxray Untrusted Root CA',
    ]);
    expect(info.chain.some((c) => c.inTrustStore)).toBe(false);
  });

  it('shows both an untrusted chain and a name mismatch when a certificate has both problems', async () => {
    const info = await probe(await serve(pki.selfSigned), { servername: 'other.example.test' });
    expect(info.trustReason).toBe('self-signed');
    expect(info.verifyError).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
    expect(info.hostnameMatch).toBe(false);
    expect(info.servername).toBe('other.example.test');
  });

  it('matches a wildcard certificate for one label only', async () => {
    const port = await serve(pki.wildcard);
    expect((await probe(port, { servername: 'mx.example.test' })).hostnameMatch).toBe(true);
    expect((await probe(port, { servername: 'example.test' })).hostnameMatch).toBe(false);
    expect((await probe(port, { servername: 'a.b.example.test' })).hostnameMatch).toBe(false);
  });

  it('does not trust the test root without it in the context', async () => {
    const bare = createTlsContext({ extraCaFile: '' });
    const info = await probe(await serve(pki.valid), { context: bare });
    expect(info.trusted).toBe(false);
    expect(info.trustReason).toBe('incomplete-chain');
    expect(info.verifyError).toBe('UNABLE_TO_GET_ISSUER_CERT_LOCALLY');
  });

  it('trusts anchors from the CA file named by extraCaFile', async () => {
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'mxray-ca-'));
    try {
      const file = join(dir, 'ca.pem');
      writeFileSync(file, pki.caPem);
      const fromFile = createTlsContext({ extraCaFile: file });
      const info = await probe(await serve(pki.valid), { context: fromFile });
      expect(info.trusted).toBe(true);
      expect(info.chain.at(-1)?.inTrustStore).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports TLSv1.2 and its key exchange group for a server limited to TLS 1.2', async () => {
    const info = await probe(await serve(pki.valid, { maxVersion: 'TLSv1.2' }));
    expect(info.version).toBe('TLSv1.2');
    expect(info.cipher).toMatch(/^ECDHE-ECDSA-/);
    expect(info.cipherStandardName).toMatch(/^TLS_ECDHE_ECDSA_WITH_/);
    expect(info.group).toBeTruthy();
    expect(info.trusted).toBe(true);
  });

  it('uses RSA key details for an RSA 2048 leaf', async () => {
    const info = await probe(await serve(pki.validRsa, { maxVersion: 'TLSv1.2' }));
    expect(info.cipher).toMatch(/^ECDHE-RSA-/);
    expect(info.chain[0]).toMatchObject({ keyType: 'rsa', keyBits: 2048 });
    expect(info.trusted).toBe(true);
  });

  it('still measures a server with a 1024-bit RSA key instead of refusing it', async () => {
    const info = await probe(await serve(pki.weakRsa, { ciphers: 'DEFAULT:@SECLEVEL=0' }));
    expect(info.chain[0]).toMatchObject({ keyType: 'rsa', keyBits: 1024 });
    expect(info.trusted).toBe(true);
  });

  it('measures a TLS 1.0-only server as TLSv1', async () => {
    const port = await serve(pki.valid, {
      minVersion: 'TLSv1',
      maxVersion: 'TLSv1',
      ciphers: 'DEFAULT:@SECLEVEL=0',
    });
    const info = await probe(port);
    expect(info.version).toBe('TLSv1');
    expect(info.cipher).toMatch(/^ECDHE-ECDSA-AES(128|256)-SHA$/);
    expect(info.trusted).toBe(true);
  });

  it('measures a TLS 1.1-only server as TLSv1.1', async () => {
    const port = await serve(pki.valid, {
      minVersion: 'TLSv1.1',
      maxVersion: 'TLSv1.1',
      ciphers: 'DEFAULT:@SECLEVEL=0',
    });
    expect((await probe(port)).version).toBe('TLSv1.1');
  });

  it('checks an IP literal against IP subjectAltNames', async () => {
    const ipPki = await createTestPki({ hosts: [HOST] });
    const port = await serve(ipPki.valid);
    const info = await probe(port, { servername: HOST, client: { servername: undefined } });
    expect(info.hostnameMatch).toBe(true);
    expect(info.chain[0]?.subjectAltNames).toEqual([`IP Address:${HOST}`]);
    const other = await probe(port, { servername: '127.30.0.2', client: { servername: undefined } });
    expect(other.hostnameMatch).toBe(false);
  });
});
