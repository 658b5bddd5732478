/**
 * One certificate as the report shows it. Pure: everything comes from the certificate, the
 * check's time and the trust anchors' fingerprints.
 */
import type { X509Certificate } from 'node:crypto';
import type { Certificate } from '@/lib/probe/schema';
import { signatureAlgorithmName } from '@/lib/probe/tls/der';

const DAY_MS = 86_400_000;

/** OpenSSL's curve names, as NIST / TLS name them (RFC 8422 §5.1.1). */
const CURVE_NAMES: Record<string, string> = {
  prime256v1: 'P-256',
  secp384r1: 'P-384',
  secp521r1: 'P-521',
};
const CURVE_BITS: Record<string, number> = {
  prime256v1: 256,
  secp256k1: 256,
  secp384r1: 384,
  secp521r1: 521,
  brainpoolP256r1: 256,
  brainpoolP384r1: 384,
  brainpoolP512r1: 512,
};

export function curveName(openSslName: string): string {
  return CURVE_NAMES[openSslName] ?? openSslName;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Node 20 gives validity only as OpenSSL's text ("Feb  7 16:49:17 2027 GMT"); read it exactly. */
export function parseOpenSslTime(text: string): Date {
  const m = /^([A-Z][a-z]{2}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) (\d{4}) GMT$/.exec(text.trim());
  const month = m ? MONTHS.indexOf(m[1] ?? '') : -1;
  if (!m || month < 0) throw new Error(`unexpected certificate time: ${text}`);
  return new Date(Date.UTC(Number(m[6]), month, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])));
}

/**
 * Splits Node's subjectAltName ("DNS:a, IP Address:1.2.3.4"). Since CVE-2021-44532 Node
 * JSON-quotes values holding separators ('DNS:"a, b"'), so a comma alone does not end an entry.
 */
export function splitSubjectAltName(text: string | undefined): string[] {
  if (!text) return [];
  const entries: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted && ch === '\\') {
      current += ch + (text[i + 1] ?? '');
      i++;
      continue;
    }
    if (ch === '"') quoted = !quoted;
    if (!quoted && ch === ',' && text[i + 1] === ' ') {
      entries.push(current);
      current = '';
      i++;
      continue;
    }
    current += ch;
  }
  if (current) entries.push(current);
  return entries.map(unquoteEntry);
}

function unquoteEntry(entry: string): string {
  const colon = entry.indexOf(':');
  const value = entry.slice(colon + 1);
  if (colon < 0 || !value.startsWith('"')) return entry;
  try {
    return entry.slice(0, colon + 1) + String(JSON.parse(value));
  } catch {
    return entry; // keep Node's text rather than lose the entry
  }
}

/** Node prints a name one attribute per line, in encoded order; the report wants one line. */
function oneLineName(name: string): string {
  return name.split('\n').filter(Boolean).join(', ');
}

function commonNameOf(subject: string): string | undefined {
  // The most specific CN is the last one encoded.
  const cns = subject.split('\n').filter((line) => line.startsWith('CN='));
  return cns.at(-1)?.slice(3);
}

function describeKey(cert: X509Certificate): Pick<Certificate, 'keyType' | 'keyBits' | 'curve'> {
  let key;
  try {
    key = cert.publicKey;
  } catch {
    // OpenSSL cannot load this key type (GOST, …): report the certificate without key details.
    return { keyType: 'unknown' };
  }
  const keyType = key.asymmetricKeyType ?? 'unknown';
  const details = key.asymmetricKeyDetails ?? {};
  if (details.namedCurve) {
    return { keyType, curve: curveName(details.namedCurve), keyBits: CURVE_BITS[details.namedCurve] };
  }
  if (keyType === 'ed25519') return { keyType, keyBits: 256 };
  if (keyType === 'ed448') return { keyType, keyBits: 456 };
  return { keyType, keyBits: details.modulusLength };
}

/** Whole days from `now` to notAfter; negative once expired. */
export function daysLeft(notAfter: Date, now: Date): number {
  return Math.floor((notAfter.getTime() - now.getTime()) / DAY_MS);
}

function isSelfIssued(cert: X509Certificate): boolean {
  if (cert.subject !== cert.issuer) return false;
  try {
    return cert.verify(cert.publicKey);
  } catch {
    return false; // a key or algorithm OpenSSL cannot use cannot prove the self-signature
  }
}

export function describeCertificate(
  cert: X509Certificate,
  opts: { now: Date; anchorFingerprints: ReadonlySet<string> },
): Certificate {
  const notBefore = parseOpenSslTime(cert.validFrom);
  const notAfter = parseOpenSslTime(cert.validTo);
  const key = describeKey(cert);
  const described: Certificate = {
    subject: oneLineName(cert.subject),
    subjectAltNames: splitSubjectAltName(cert.subjectAltName),
    issuer: oneLineName(cert.issuer),
    serialNumber: cert.serialNumber.toUpperCase(),
    notBefore: notBefore.toISOString(),
    notAfter: notAfter.toISOString(),
    daysLeft: daysLeft(notAfter, opts.now),
    keyType: key.keyType,
    signatureAlgorithm: signatureAlgorithmName(cert.raw),
    sha256: cert.fingerprint256,
    selfIssued: isSelfIssued(cert),
    isCA: cert.ca,
    inTrustStore: opts.anchorFingerprints.has(cert.fingerprint256),
    pem: cert.toString(),
  };
  const commonName = commonNameOf(cert.subject);
  if (commonName !== undefined) described.commonName = commonName;
  if (key.keyBits !== undefined) described.keyBits = key.keyBits;
  if (key.curve !== undefined) described.curve = key.curve;
  return described;
}
