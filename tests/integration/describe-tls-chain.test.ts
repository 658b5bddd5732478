/**
 * How describeTls builds the chain it reports: the certificates the server sent, in order, plus the
 * trust anchor that issued the top one, looked up in the context's anchors by subject and checked
 * against the top's issuer. The server binds 127.70.60.1 (this suite's part of 127.70.0.0/16).
 */
import { once } from 'node:events';
import * as tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TlsInfo } from '@/lib/probe/schema';
import { describeTls } from '@/lib/probe/tls/describe-tls';
import { createTlsContext } from '@/lib/probe/tls/tls-context';
import type { TlsContext } from '@/lib/probe/types';
import { createTestPki, type TestPki } from '@/tests/fixtures/pki';
import { handshakeAndDescribe, startTlsServer, type TestServer } from '@/tests/fixtures/tls-server';

const HOST = '127.70.60.1';
const SERVERNAME = 'mx.example.test';
let pki: TestPki;
let ctx: TlsContext;
let server: TestServer;

beforeAll(async () => {
  pki = await createTestPki({ hosts: [SERVERNAME] });
  ctx = createTlsContext({ extraCaFile: '', extraCaPem: pki.caPem });
  server = await startTlsServer({ host: HOST, leaf: pki.valid });
});
afterAll(() => server?.close());

const names = (ctxToUse: TlsContext) =>
  handshakeAndDescribe(server, { ctx: ctxToUse, servername: SERVERNAME }).then((info) => ({
    chain: info.chain.map((c) => c.commonName),
    trusted: info.trusted,
  }));

/** Handshakes as tlsHandshake does, keeping the chain Node builds for its identity check. */
async function describeBothWays(ctxToUse: TlsContext): Promise<[TlsInfo, TlsInfo]> {
  let peer: tls.DetailedPeerCertificate | undefined;
  const socket = tls.connect({
    host: HOST,
    port: server.port,
    servername: SERVERNAME,
    secureContext: ctxToUse.secureContext,
    rejectUnauthorized: false,
    checkServerIdentity: (host, cert) => {
      peer = cert as tls.DetailedPeerCertificate;
      return tls.checkServerIdentity(host, cert);
    },
  });
  try {
    await once(socket, 'secureConnect');
    const now = new Date();
    const opts = { mode: 'implicit' as const, servername: SERVERNAME, handshakeMs: 1, now, ctx: ctxToUse };
    expect(peer).toBeDefined();
    return [describeTls(socket, { ...opts, peerCertificate: peer! }), describeTls(socket, opts)];
  } finally {
    socket.destroy();
  }
}

describe('the reported chain', () => {
  it("is the same whether built from Node's identity-check chain or read from the socket", async () => {
    const [fromNode, fromSocket] = await describeBothWays(ctx);
    expect(fromNode).toEqual(fromSocket);
    expect(fromNode.chain.map((c) => c.inTrustStore)).toEqual([false, false, true]);
  });

  it('is completed with the anchor that issued its top', async () => {
    expect(await names(ctx)).toEqual({ chain: [SERVERNAME, 'mxray Test Intermediate CA', 'mxray Test Root CA'], trusted: true });
  });

  it('is what the server sent when the context lists no anchors', async () => {
    const bare: TlsContext = { secureContext: ctx.secureContext, anchorFingerprints: ctx.anchorFingerprints };
    expect(await names(bare)).toEqual({ chain: [SERVERNAME, 'mxray Test Intermediate CA'], trusted: true });
  });

  it('is not completed with an anchor that only has the right name', async () => {
    // another test PKI: a root with the very same subject and a different key
    const impostor = await createTestPki({ hosts: ['impostor.example.test'] });
    const lookalike = createTlsContext({ extraCaFile: '', extraCaPem: impostor.caPem });
    const wrong: TlsContext = { ...ctx, ...(lookalike.anchorsBySubject ? { anchorsBySubject: lookalike.anchorsBySubject } : {}) };
    expect([...(lookalike.anchorsBySubject?.values() ?? [])].flat().some((c) => c.subject.includes('CN=mxray Test Root CA'))).toBe(true);
    expect(await names(wrong)).toEqual({ chain: [SERVERNAME, 'mxray Test Intermediate CA'], trusted: true });
  });
});
