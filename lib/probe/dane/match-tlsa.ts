/**
 * DANE for SMTP: TLSA records (RFC 6698) against the chain a server presented on port 25, with the
 * SMTP rules of RFC 7672. Pure (no I/O); the chain is the one the probe kept (leaf first, PEM).
 *
 * - Only DANE-TA(2) and DANE-EE(3) are used for SMTP (RFC 7672 §3.1.3): PKIX-TA(0) and PKIX-EE(1)
 *   records are "unusable", as are unknown selectors and matching types (RFC 6698 §2.1).
 * - DANE-EE(3): the leaf's certificate or key matches, and nothing else is checked — not the names,
 *   not the validity dates, not a CA (RFC 7672 §3.1.1).
 * - DANE-TA(2): a certificate above the leaf matches, the chain from the leaf up to it verifies, the
 *   leaf is within its validity dates and names the MX host (RFC 7672 §3.1.2, §3.2.2).
 */
import { createHash, X509Certificate } from 'node:crypto';
import type { DaneAddress, TlsaRecord } from '@/lib/probe/schema';
import { tlsaUsable } from './tlsa-record';

export { tlsaUsable };

/** The bytes a record's selector picks from a certificate: the whole DER, or the SubjectPublicKeyInfo. */
export function selectedBytes(cert: X509Certificate, selector: number): Buffer {
  return selector === 0 ? cert.raw : (cert.publicKey.export({ type: 'spki', format: 'der' }) as Buffer);
}

/** The association data a record of this matching type holds for those bytes. */
export function associationData(bytes: Buffer, matchingType: number): Buffer {
  if (matchingType === 1) return createHash('sha256').update(bytes).digest();
  if (matchingType === 2) return createHash('sha512').update(bytes).digest();
  return bytes;
}

export function recordMatches(r: TlsaRecord, cert: X509Certificate): boolean {
  const want = Buffer.from(r.data, 'hex');
  if (want.length === 0) return false;
  return associationData(selectedBytes(cert, r.selector), r.matchingType).equals(want);
}

type TaProblem = NonNullable<DaneAddress['taProblem']>;

/** Why the chain from the leaf up to `depth` does not hold for DANE-TA, or undefined when it does. */
function taChainProblem(chain: readonly X509Certificate[], depth: number, names: readonly string[], now: Date): TaProblem | undefined {
  for (let i = 0; i < depth; i++) {
    const child = chain[i]!;
    const parent = chain[i + 1]!;
    if (child.checkIssued(parent) === false || !child.verify(parent.publicKey)) return 'chain-signature';
  }
  const leaf = chain[0]!;
  if (now < new Date(leaf.validFrom) || now > new Date(leaf.validTo)) return 'dates';
  if (names.every((name) => leaf.checkHost(name, { subject: 'default' }) === undefined)) return 'name';
  return undefined;
}

/** The words of a DANE-TA problem, for finding parameters (the report translates the code). */
export const TA_PROBLEM_TEXT: Record<TaProblem, string> = {
  'chain-signature': 'the chain below the DANE-TA certificate is not signed link by link',
  dates: 'the server certificate is outside its validity dates (DANE-TA checks them)',
  name: 'the server certificate does not name the MX host (DANE-TA checks it)',
};

/**
 * How the usable records match the presented chain. A usable record set that nothing in the chain
 * satisfies is a mismatch: a DANE sender will not deliver (RFC 7672 §2.2). `names` are the
 * reference identifiers DANE-TA checks the leaf against: the MX host, and its CNAME-expanded name
 * when the TLSA records were found there (RFC 7672 §2.2.3, §3.2.2).
 */
export function matchDane(opts: { records: readonly TlsaRecord[]; chainPem: readonly string[]; names: readonly string[]; now: Date }): Pick<DaneAddress, 'outcome' | 'matches' | 'taProblem'> {
  let chain: X509Certificate[];
  try {
    chain = opts.chainPem.map((pem) => new X509Certificate(pem));
  } catch {
    chain = [];
  }
  if (chain.length === 0) return { outcome: 'mismatch', matches: [] };
  const matches: DaneAddress['matches'] = [];
  let taProblem: TaProblem | undefined;
  opts.records.forEach((r, record) => {
    if (!tlsaUsable(r)) return;
    if (r.usage === 3) {
      if (recordMatches(r, chain[0]!)) matches.push({ record, depth: 0 });
      return;
    }
    for (let depth = 1; depth < chain.length; depth++) {
      if (!recordMatches(r, chain[depth]!)) continue;
      const problem = taChainProblem(chain, depth, opts.names, opts.now);
      if (problem === undefined) {
        matches.push({ record, depth });
        return;
      }
      taProblem ??= problem;
    }
  });
  return { outcome: matches.length > 0 ? 'match' : 'mismatch', matches, ...(matches.length === 0 && taProblem ? { taProblem } : {}) };
}
