/**
 * describeTls reads a finished handshake off the socket: the chain (as Node built it for a
 * verified peer, or as the server sent it, completed with the trust anchor that issued its top),
 * whether it is trusted (a name mismatch alone does not make a chain untrusted), why not, and the
 * key-exchange group, protocol and cipher. The integration tests do this over real handshakes; here
 * the socket is a stand-in object with the same read-only methods, so the mutation set (unit tests
 * only) can reach every branch. The certificates are real (the test PKI).
 */
import { X509Certificate } from 'node:crypto';
import type { DetailedPeerCertificate, TLSSocket } from 'node:tls';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeTls, type DescribeTlsOptions } from '@/lib/probe/tls/describe-tls';
import type { TlsContext } from '@/lib/probe/types';
import { createTestPki, type TestPki } from '@/tests/fixtures/pki';

let pki: TestPki;
let leaf: X509Certificate;
let inter: X509Certificate;
let root: X509Certificate;
beforeAll(async () => {
  pki = await createTestPki({ hosts: ['mx.example.test'] });
  leaf = new X509Certificate(pki.valid.certPem);
  inter = new X509Certificate(pki.intermediate.certPem);
  root = new X509Certificate(pki.caPem);
}, 60_000);

/** An X509Certificate whose issuerCertificate is `next`, as the ones a TLS socket hands out. */
function linked(cert: X509Certificate, next?: X509Certificate): X509Certificate {
  return new Proxy(cert, {
    get(target, prop) {
      if (prop === 'issuerCertificate') return next;
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

interface SocketState {
  peer?: X509Certificate;
  authorized?: boolean;
  authorizationError?: unknown;
  protocol?: string | null;
  cipher?: { name?: string; standardName?: string } | null;
  ephemeral?: unknown;
}

function socketOf(s: SocketState): TLSSocket {
  return {
    authorized: s.authorized ?? false,
    authorizationError: s.authorizationError,
    getPeerX509Certificate: () => s.peer,
    getProtocol: () => (s.protocol === undefined ? 'TLSv1.3' : s.protocol),
    getCipher: () => (s.cipher === undefined ? { name: 'TLS_AES_256_GCM_SHA384', standardName: 'TLS_AES_256_GCM_SHA384', version: 'TLSv1.3' } : s.cipher),
    getEphemeralKeyInfo: () => (s.ephemeral === undefined ? { type: 'ECDH', name: 'prime256v1', size: 256 } : s.ephemeral),
  } as unknown as TLSSocket;
}

function ctxWith(anchors: X509Certificate[]): TlsContext {
  const bySubject = new Map<string, X509Certificate[]>();
  for (const a of anchors) bySubject.set(a.subject, [...(bySubject.get(a.subject) ?? []), a]);
  return { secureContext: {} as TlsContext['secureContext'], anchorFingerprints: new Set(anchors.map((a) => a.fingerprint256)), anchorsBySubject: bySubject };
}

const opts = (over: Partial<DescribeTlsOptions> = {}): DescribeTlsOptions => ({
  mode: 'starttls',
  servername: 'mx.example.test',
  handshakeMs: 12,
  now: new Date(),
  ctx: ctxWith([root]),
  ...over,
});

/** The chain as a server that sends leaf and intermediate presents it. */
const sent = () => linked(leaf, linked(inter));

describe('describeTls: the chain', () => {
  it('as sent, completed with the anchor that issued its top, marked as in the trust store', () => {
    const info = describeTls(socketOf({ peer: sent(), authorized: true }), opts());
    expect(info.chain.map((c) => c.sha256)).toEqual([leaf.fingerprint256, inter.fingerprint256, root.fingerprint256]);
    expect(info.chain.map((c) => c.inTrustStore)).toEqual([false, false, true]);
    expect(info).toMatchObject({ mode: 'starttls', handshakeMs: 12, trusted: true, hostnameMatch: true, servername: 'mx.example.test' });
    expect(info).not.toHaveProperty('verifyError');
    expect(info).not.toHaveProperty('trustReason');
  });

  it('without anchors by subject, or when the top is self-issued, it stays as sent', () => {
    const noMap: TlsContext = { ...ctxWith([root]), anchorsBySubject: undefined };
    expect(describeTls(socketOf({ peer: sent(), authorized: true }), opts({ ctx: noMap })).chain).toHaveLength(2);
    // a chain that already ends in the root gets nothing appended, and a loop ends the walk
    const selfLoop = linked(root);
    const full = linked(leaf, linked(inter, new Proxy(selfLoop, { get: (t, p) => (p === 'issuerCertificate' ? selfLoop : (Reflect.get(t, p, t) as unknown)) })));
    expect(describeTls(socketOf({ peer: full, authorized: true }), opts()).chain.map((c) => c.sha256)).toEqual([
      leaf.fingerprint256,
      inter.fingerprint256,
      root.fingerprint256,
    ]);
  });

  it('an anchor with the right subject that did not issue the top is not appended', () => {
    const other = new X509Certificate(pki.untrustedCa.chainPem.split(/(?=-----BEGIN)/)[2]!); // another root
    const impostor: TlsContext = { ...ctxWith([root]), anchorsBySubject: new Map([[inter.issuer, [other]]]) };
    expect(describeTls(socketOf({ peer: sent(), authorized: true }), opts({ ctx: impostor })).chain).toHaveLength(2);
  });

  it('uses the chain Node built when it is given one, following issuers until one repeats', () => {
    const peerCert = (c: X509Certificate): DetailedPeerCertificate => ({ raw: c.raw, fingerprint256: c.fingerprint256 }) as DetailedPeerCertificate;
    const l = peerCert(leaf);
    const i = peerCert(inter);
    const r = peerCert(root);
    l.issuerCertificate = i;
    i.issuerCertificate = r;
    r.issuerCertificate = r; // Node links a root to itself
    const info = describeTls(socketOf({ peer: undefined, authorized: true }), opts({ peerCertificate: l }));
    expect(info.chain.map((c) => c.sha256)).toEqual([leaf.fingerprint256, inter.fingerprint256, root.fingerprint256]);
    expect(info.hostnameMatch).toBe(true);
    // an empty raw certificate ends the chain
    i.issuerCertificate = { raw: Buffer.alloc(0), fingerprint256: 'x' } as DetailedPeerCertificate;
    expect(describeTls(socketOf({ authorized: true }), opts({ peerCertificate: l })).chain).toHaveLength(2);
  });

  it('no certificate at all: empty chain, hostname unknown, not trusted for an unnamed reason', () => {
    const info = describeTls(socketOf({ peer: undefined, authorized: false }), opts());
    expect(info).toMatchObject({ chain: [], hostnameMatch: null, trusted: false, trustReason: 'other' });
    expect(info).not.toHaveProperty('verifyError');
  });
});

describe('describeTls: trust', () => {
  it('a verification error names the reason', () => {
    const info = describeTls(socketOf({ peer: sent(), authorized: false, authorizationError: 'CERT_HAS_EXPIRED' }), opts());
    expect(info).toMatchObject({ trusted: false, verifyError: 'CERT_HAS_EXPIRED', trustReason: 'expired' });
  });

  it('an Error as authorizationError gives its code, or its message without one', () => {
    const coded = Object.assign(new Error('unable to get local issuer certificate'), { code: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY' });
    const leafOnly = linked(leaf);
    expect(describeTls(socketOf({ peer: leafOnly, authorized: false, authorizationError: coded }), opts({ ctx: ctxWith([]) }))).toMatchObject({
      trusted: false,
      verifyError: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
      trustReason: 'incomplete-chain',
    });
    expect(describeTls(socketOf({ peer: leafOnly, authorized: false, authorizationError: new Error('odd failure') }), opts())).toMatchObject({
      trusted: false,
      verifyError: 'odd failure',
      trustReason: 'other',
    });
  });

  it('a name mismatch alone leaves a verified chain trusted; the mismatch is the hostname check’s to report', () => {
    const info = describeTls(socketOf({ peer: sent(), authorized: false, authorizationError: 'ERR_TLS_CERT_ALTNAME_INVALID' }), opts({ servername: 'other.test' }));
    expect(info).toMatchObject({ trusted: true, hostnameMatch: false });
    expect(info).not.toHaveProperty('verifyError');
    expect(info).not.toHaveProperty('trustReason');
    // …but not when there is no chain to trust
    const none = describeTls(socketOf({ peer: undefined, authorized: false, authorizationError: 'ERR_TLS_CERT_ALTNAME_INVALID' }), opts());
    expect(none).toMatchObject({ trusted: false, trustReason: 'other' });
    expect(none).not.toHaveProperty('verifyError');
  });

  it('a socket that verified is trusted whatever authorizationError holds', () => {
    expect(describeTls(socketOf({ peer: sent(), authorized: true, authorizationError: null }), opts()).trusted).toBe(true);
  });
});

describe('describeTls: session parameters', () => {
  it('names the curve of an ECDH group, and the size', () => {
    expect(describeTls(socketOf({ peer: sent(), authorized: true }), opts())).toMatchObject({ group: 'P-256', groupBits: 256 });
    expect(describeTls(socketOf({ peer: sent(), authorized: true, ephemeral: { type: 'ECDH', name: 'X25519', size: 253 } }), opts())).toMatchObject({
      group: 'X25519',
      groupBits: 253,
    });
  });

  it('a DH group without a curve name is named by its type; a size of 0 is left out', () => {
    expect(describeTls(socketOf({ peer: sent(), authorized: true, ephemeral: { type: 'DH', size: 2048 } }), opts())).toMatchObject({ group: 'DH', groupBits: 2048 });
    const noSize = describeTls(socketOf({ peer: sent(), authorized: true, ephemeral: { type: 'DH', size: 0 } }), opts());
    expect(noSize.group).toBe('DH');
    expect(noSize).not.toHaveProperty('groupBits');
  });

  it('no key-exchange information (RSA key exchange, or a server-side socket) leaves the group out', () => {
    for (const ephemeral of [{}, null]) {
      const info = describeTls(socketOf({ peer: sent(), authorized: true, ephemeral }), opts());
      expect(info).not.toHaveProperty('group');
      expect(info).not.toHaveProperty('groupBits');
    }
  });

  it('protocol and cipher are reported when known, left out when not', () => {
    const known = describeTls(socketOf({ peer: sent(), authorized: true }), opts({ mode: 'implicit' }));
    expect(known).toMatchObject({ mode: 'implicit', version: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384', cipherStandardName: 'TLS_AES_256_GCM_SHA384' });
    const unknown = describeTls(socketOf({ peer: sent(), authorized: true, protocol: null, cipher: null }), opts());
    for (const key of ['version', 'cipher', 'cipherStandardName']) expect(unknown).not.toHaveProperty(key);
    const nameOnly = describeTls(socketOf({ peer: sent(), authorized: true, cipher: { name: 'ECDHE-RSA-AES128-GCM-SHA256' } }), opts());
    expect(nameOnly.cipher).toBe('ECDHE-RSA-AES128-GCM-SHA256');
    expect(nameOnly).not.toHaveProperty('cipherStandardName');
  });
});
