/**
 * describeTls trust verdicts against real node:tls handshakes on 127.30.0.1 (this file's share of
 * 127.30.0.0/16), one server per PKI case, so every reason is what OpenSSL actually reports.
 */
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TlsInfo } from '@/lib/probe/schema';
import type { TlsContext } from '@/lib/probe/types';
import { createTlsContext } from '@/lib/probe/tls/tls-context';
import { createTestPki, type PkiLeaf, type TestPki } from '@/tests/fixtures/pki';
import { handshakeAndDescribe, startTlsServer, type TestServer } from '@/tests/fixtures/tls-server';

const HOST = '127.30.0.1';
const SERVERNAME = 'mx.example.test';

let pki: TestPki;
let ctx: TlsContext;
const servers: TestServer[] = [];

beforeAll(async () => {
  pki = await createTestPki({ hosts: [SERVERNAME] });
  // extraCaFile '' so that a NODE_EXTRA_CA_CERTS in the runner's environment cannot change trust.
  ctx = createTlsContext({ extraCaFile: '', extraCaPem: pki.caPem });
});
afterAll(() => Promise.all(servers.map((s) => s.close())));

async function serve(leaf: PkiLeaf, host = HOST): Promise<TestServer> {
  const server = await startTlsServer({ host, leaf });
  servers.push(server);
  return server;
}

function probe(server: TestServer, opts: { servername?: string; context?: TlsContext } = {}): Promise<TlsInfo> {
  return handshakeAndDescribe(server, { ctx: opts.context ?? ctx, servername: opts.servername ?? SERVERNAME });
}

describe('describeTls trust verdicts', () => {
  it('reports a valid chain as trusted TLSv1.3 with the leaf, the intermediate and the anchor', async () => {
    const info = await probe(await serve(pki.valid));
    expect(info).toMatchObject({ version: 'TLSv1.3', trusted: true, hostnameMatch: true, servername: SERVERNAME });
    expect(info.mode).toBe('implicit');
    expect(info.trustReason).toBeUndefined();
    expect(info.verifyError).toBeUndefined();
    expect(info.cipher).toMatch(/^TLS_/);
    expect(info.cipherStandardName).toMatch(/^TLS_/);
    expect(info.group).toBeTruthy();
    expect(info.groupBits).toBeGreaterThan(0);
    expect(info.handshakeMs).toBeGreaterThan(0);
    // Node completes the chain with the anchor from our store.
    expect(info.chain.map((c) => c.commonName)).toEqual([SERVERNAME, 'mxray Test Intermediate CA', 'mxray Test Root CA']);
    expect(info.chain.map((c) => c.inTrustStore)).toEqual([false, false, true]);
    expect(info.chain.map((c) => c.isCA)).toEqual([false, true, true]);
    expect(info.chain[2]?.selfIssued).toBe(true);
    expect(info.chain[0]?.sha256).toBe(new X509Certificate(pki.valid.certPem).fingerprint256);
  });

  it('reports an expired leaf in an otherwise trusted chain as expired', async () => {
    const info = await probe(await serve(pki.expired));
    expect(info).toMatchObject({ trusted: false, verifyError: 'CERT_HAS_EXPIRED', trustReason: 'expired', hostnameMatch: true });
    expect(info.chain[0]?.daysLeft).toBeLessThan(0);
  });

  it('reports a leaf valid only in the future as not-yet-valid', async () => {
    const info = await probe(await serve(pki.notYetValid));
    expect(info).toMatchObject({ trusted: false, verifyError: 'CERT_NOT_YET_VALID', trustReason: 'not-yet-valid' });
  });

  it('reports a leaf signing itself as self-signed', async () => {
    const info = await probe(await serve(pki.selfSigned));
    expect(info).toMatchObject({ trusted: false, verifyError: 'DEPTH_ZERO_SELF_SIGNED_CERT', trustReason: 'self-signed' });
    expect(info.chain).toHaveLength(1);
    expect(info.chain[0]?.selfIssued).toBe(true);
    expect(info.hostnameMatch).toBe(true);
  });

  it('keeps a trusted chain trusted when only the name is wrong, and reports the mismatch', async () => {
    // Node itself reports this as authorizationError ERR_TLS_CERT_ALTNAME_INVALID.
    const info = await probe(await serve(pki.wrongHost));
    expect(info).toMatchObject({ trusted: true, hostnameMatch: false });
    expect(info.trustReason).toBeUndefined();
    expect(info.verifyError).toBeUndefined();
    expect(info.chain[0]?.subjectAltNames).toEqual(['DNS:wrong-host.other.test']);
  });

  it('reports a leaf served without its intermediate as incomplete-chain', async () => {
    const info = await probe(await serve(pki.missingIntermediate));
    expect(info).toMatchObject({
      trusted: false,
      verifyError: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      trustReason: 'incomplete-chain',
    });
    expect(info.chain).toHaveLength(1);
  });

  it('reports a chain up to a root outside the trust store as unknown-issuer', async () => {
    const info = await probe(await serve(pki.untrustedCa));
    expect(info).toMatchObject({ trusted: false, verifyError: 'SELF_SIGNED_CERT_IN_CHAIN', trustReason: 'unknown-issuer' });
    expect(info.chain.map((c) => c.commonName)).toEqual([
      SERVERNAME,
      'mxray Untrusted Intermediate CA',
      'mxray Untrusted Root CA',
    ]);
    expect(info.chain.some((c) => c.inTrustStore)).toBe(false);
  });

  it('shows both an untrusted chain and a name mismatch when a certificate has both problems', async () => {
    const info = await probe(await serve(pki.selfSigned), { servername: 'other.example.test' });
    expect(info).toMatchObject({
      trustReason: 'self-signed',
      verifyError: 'DEPTH_ZERO_SELF_SIGNED_CERT',
      hostnameMatch: false,
      servername: 'other.example.test',
    });
  });

  it('matches a wildcard certificate for one label only', async () => {
    const server = await serve(pki.wildcard);
    expect((await probe(server, { servername: 'mx.example.test' })).hostnameMatch).toBe(true);
    expect((await probe(server, { servername: 'example.test' })).hostnameMatch).toBe(false);
    expect((await probe(server, { servername: 'a.b.example.test' })).hostnameMatch).toBe(false);
  });

  it('does not trust the test root without it in the context', async () => {
    const info = await probe(await serve(pki.valid), { context: createTlsContext({ extraCaFile: '' }) });
    expect(info).toMatchObject({
      trusted: false,
      verifyError: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
      trustReason: 'incomplete-chain',
    });
  });

  it('trusts anchors from the CA file named by extraCaFile', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mxray-ca-'));
    try {
      const file = join(dir, 'ca.pem');
      writeFileSync(file, pki.caPem);
      const info = await probe(await serve(pki.valid), { context: createTlsContext({ extraCaFile: file }) });
      expect(info.trusted).toBe(true);
      expect(info.chain.at(-1)?.inTrustStore).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('checks an IP literal against IP subjectAltNames', async () => {
    // A CN that is not the address, so that only the IP subjectAltName can match.
    const server = await serve(await pki.issue({ hosts: [HOST], commonName: 'mxray ip test' }));
    // Node refuses an IP literal as SNI, so none is sent, as the probe must do too.
    const noSni = { servername: undefined };
    const info = await handshakeAndDescribe(server, { ctx, servername: HOST, client: noSni });
    expect(info.hostnameMatch).toBe(true);
    expect(info.chain[0]?.subjectAltNames).toEqual([`IP Address:${HOST}`]);
    const other = await handshakeAndDescribe(server, { ctx, servername: '127.30.0.2', client: noSni });
    expect(other.hostnameMatch).toBe(false);
  });
});
