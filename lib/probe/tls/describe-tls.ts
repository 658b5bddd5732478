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
import { curveName, describeCertificate } from '@/lib/probe/tls/describe-certificate';

export interface DescribeTlsOptions {
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

/**
 * Node's chain: the peer's certificates ordered by issuance, completed with the trust anchor from
 * our store when one issued the top. The root's issuerCertificate points to itself; guard against
 * any other loop with the fingerprints seen.
 */
function peerChain(socket: TLSSocket): X509Certificate[] {
  const chain: X509Certificate[] = [];
  const seen = new Set<string>();
  let cert: DetailedPeerCertificate | undefined = socket.getPeerCertificate(true);
  while (cert && cert.raw && cert.raw.length > 0) {
    const x509 = new X509Certificate(cert.raw);
    if (seen.has(x509.fingerprint256)) break;
    seen.add(x509.fingerprint256);
    chain.push(x509);
    cert = cert.issuerCertificate;
  }
  return chain;
}

function matchHost(leaf: X509Certificate | undefined, servername: string): boolean | null {
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
  const certs = peerChain(socket);
  const chain = certs.map((cert) =>
    describeCertificate(cert, { now: opts.now, anchorFingerprints: opts.ctx.anchorFingerprints }),
  );
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
    hostnameMatch: matchHost(certs[0], opts.servername),
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
