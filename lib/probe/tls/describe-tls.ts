/**
 * What a completed TLS handshake showed: protocol, cipher, key exchange, the certificate chain and
 * why it is (not) trusted. The socket must have been connected with rejectUnauthorized:false so
 * that untrusted servers can be described too.
 */
import { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import type { DetailedPeerCertificate, TLSSocket } from 'node:tls';
import type { Certificate, TlsInfo, TrustReason } from '@/lib/probe/schema';
import type { TlsContext } from '@/lib/probe/types';
import { curveName, daysLeft, describeCertificate } from '@/lib/probe/tls/describe-certificate';

export interface DescribeTlsOptions {
  /**
   * The chain Node itself built while checking the server's identity (it only does for a chain
   * that verified: see tlsHandshake). Reusing it saves building the chain a second time, which
   * costs more than the rest of describeTls together.
   */
  peerCertificate?: DetailedPeerCertificate;
  mode: 'starttls' | 'implicit';
  /** the name sent as SNI and matched against the leaf */
  servername: string;
  handshakeMs: number;
  now: Date;
  ctx: TlsContext;
}

/**
 * Node's client runs checkServerIdentity after chain verification and, when the name does not
 * match, overwrites authorizationError with this code. The chain itself verified in that case;
 * the name mismatch is reported in hostnameMatch instead.
 */
const NAME_MISMATCH = 'ERR_TLS_CERT_ALTNAME_INVALID';

const DIRECT_REASONS: Record<string, TrustReason> = {
  CERT_HAS_EXPIRED: 'expired',
  CERT_NOT_YET_VALID: 'not-yet-valid',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'unknown-issuer',
  CERT_SIGNATURE_FAILURE: 'bad-signature',
  UNABLE_TO_DECRYPT_CERT_SIGNATURE: 'bad-signature',
};
const ISSUER_NOT_FOUND = new Set([
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
]);

/**
 * Maps OpenSSL's verification error to the report's reason. An issuer that cannot be found means
 * either a server that did not send its intermediate (the chain it sent stops below a root) or a
 * chain that reaches a root nobody trusts (it ends in a self-issued certificate).
 */
export function trustReasonFor(verifyError: string, chain: readonly Certificate[]): TrustReason {
  const direct = DIRECT_REASONS[verifyError];
  if (direct) return direct;
  if (ISSUER_NOT_FOUND.has(verifyError)) {
    const top = chain.at(-1);
    return top && !top.selfIssued ? 'incomplete-chain' : 'unknown-issuer';
  }
  return 'other';
}

/** One certificate of the chain: its fingerprint, and the parsed certificate when it is needed. */
interface ChainLink {
  fingerprint: string;
  parse: () => X509Certificate;
}

/**
 * The chain Node built for its identity check: the peer's certificates ordered by issuance,
 * completed with the trust anchor that issued the top. A root's issuerCertificate is itself; guard
 * against any loop with the fingerprints seen.
 */
function linksOf(peer: DetailedPeerCertificate): ChainLink[] {
  const links: ChainLink[] = [];
  const seen = new Set<string>();
  let cert: DetailedPeerCertificate | undefined = peer;
  while (cert && cert.raw && cert.raw.length > 0 && !seen.has(cert.fingerprint256)) {
    seen.add(cert.fingerprint256);
    const raw = cert.raw;
    links.push({ fingerprint: cert.fingerprint256, parse: () => new X509Certificate(raw) });
    cert = cert.issuerCertificate;
  }
  return links;
}

/**
 * The same chain when Node did not build one (the chain did not verify): the peer's certificates,
 * completed with the anchor from our store that issued the top, as getPeerCertificate(true) would.
 */
function peerChain(socket: TLSSocket, ctx: TlsContext): ChainLink[] {
  const chain: X509Certificate[] = [];
  const seen = new Set<string>();
  let cert: X509Certificate | undefined = socket.getPeerX509Certificate();
  while (cert && !seen.has(cert.fingerprint256)) {
    seen.add(cert.fingerprint256);
    chain.push(cert);
    cert = cert.issuerCertificate;
  }
  const top = chain.at(-1);
  if (top && top.subject !== top.issuer) {
    const anchor = ctx.anchorsBySubject?.get(top.issuer)?.find((a) => !seen.has(a.fingerprint256) && top.checkIssued(a));
    if (anchor) chain.push(anchor);
  }
  return chain.map((c) => ({ fingerprint: c.fingerprint256, parse: () => c }));
}

/**
 * The same certificates come back probe after probe (every port of a host, every check of a
 * popular provider, the same intermediates and roots everywhere), and describing one (PEM, key,
 * self-signature, DER) costs as much as a good part of the handshake. What depends only on the
 * certificate is kept by fingerprint, in a bounded map; days left and trust-store membership are
 * worked out afresh for each probe.
 */
export const DESCRIBED_MAX = 1_000;
const described = new Map<string, { cert: Certificate; x509: X509Certificate }>();
const NO_ANCHORS: ReadonlySet<string> = new Set();

function described1(link: ChainLink, now: Date): { cert: Certificate; x509: X509Certificate } {
  let entry = described.get(link.fingerprint);
  if (!entry) {
    const x509 = link.parse();
    entry = { cert: describeCertificate(x509, { now, anchorFingerprints: NO_ANCHORS }), x509 };
    if (described.size >= DESCRIBED_MAX) described.delete(described.keys().next().value!);
    described.set(link.fingerprint, entry);
  }
  return entry;
}

function describeLink(link: ChainLink, now: Date, anchorFingerprints: ReadonlySet<string>): Certificate {
  const { cert } = described1(link, now);
  return { ...cert, daysLeft: daysLeft(new Date(cert.notAfter), now), inTrustStore: anchorFingerprints.has(link.fingerprint) };
}

/** describeCertificate, through the cache describeTls uses. */
export function describeCertificateCached(cert: X509Certificate, now: Date, anchorFingerprints: ReadonlySet<string>): Certificate {
  return describeLink({ fingerprint: cert.fingerprint256, parse: () => cert }, now, anchorFingerprints);
}

/** Whether the leaf names the server we asked for (null: no leaf or no name to match). */
export function matchHost(leaf: X509Certificate | undefined, servername: string): boolean | null {
  const name = servername.replace(/\.$/, '');
  if (!leaf || !name) return null;
  if (isIP(name)) return leaf.checkIP(name) !== undefined;
  // Node's defaults follow RFC 6125 §6.4.3: a wildcard covers exactly one left-most label, and the
  // CN is consulted only when the certificate has no DNS subjectAltName.
  return leaf.checkHost(name) !== undefined;
}

function groupOf(socket: TLSSocket): Pick<TlsInfo, 'group' | 'groupBits'> {
  const info = socket.getEphemeralKeyInfo();
  if (!info || typeof info !== 'object' || !('type' in info)) return {};
  const group = info.name ? curveName(info.name) : info.type;
  return info.size ? { group, groupBits: info.size } : { group };
}

export function describeTls(socket: TLSSocket, opts: DescribeTlsOptions): TlsInfo {
  const links = opts.peerCertificate ? linksOf(opts.peerCertificate) : peerChain(socket, opts.ctx);
  const chain = links.map((link) => describeLink(link, opts.now, opts.ctx.anchorFingerprints));
  const leaf = links[0] ? described1(links[0], opts.now).x509 : undefined;
  const rawError = socket.authorizationError as unknown;
  // Node types authorizationError as Error but sets the OpenSSL code string; accept both.
  const errorCode =
    typeof rawError === 'string' ? rawError : rawError instanceof Error ? ((rawError as NodeJS.ErrnoException).code ?? rawError.message) : undefined;
  const verifyError = errorCode && errorCode !== NAME_MISMATCH ? errorCode : undefined;
  const trusted = socket.authorized || (errorCode === NAME_MISMATCH && chain.length > 0);

  const cipher = socket.getCipher();
  const info: TlsInfo = {
    mode: opts.mode,
    ...groupOf(socket),
    handshakeMs: opts.handshakeMs,
    chain,
    trusted,
    hostnameMatch: matchHost(leaf, opts.servername),
    servername: opts.servername,
  };
  const version = socket.getProtocol();
  if (version) info.version = version;
  if (cipher?.name) info.cipher = cipher.name;
  if (cipher?.standardName) info.cipherStandardName = cipher.standardName;
  if (!trusted) {
    if (verifyError) info.verifyError = verifyError;
    info.trustReason = verifyError ? trustReasonFor(verifyError, chain) : 'other';
  }
  return info;
}
