/**
 * Just enough DER to read what Node 20's X509Certificate does not expose: the certificate's
 * signature algorithm. (@peculiar/x509 could, but it needs a global Reflect-metadata polyfill,
 * which the engine should not install into the app and the CLI.)
 */

interface Tlv {
  tag: number;
  /** offset of the value */
  start: number;
  /** offset just past the value */
  end: number;
}

function readTlv(buf: Uint8Array, offset: number): Tlv {
  const tag = buf[offset];
  let lenByte = buf[offset + 1];
  if (tag === undefined || lenByte === undefined) throw new Error('DER: truncated');
  let pos = offset + 2;
  let len = lenByte;
  if (lenByte & 0x80) {
    const n = lenByte & 0x7f;
    if (n === 0 || n > 4) throw new Error('DER: unsupported length');
    len = 0;
    for (let i = 0; i < n; i++) {
      lenByte = buf[pos++];
      if (lenByte === undefined) throw new Error('DER: truncated');
      len = len * 256 + lenByte;
    }
  }
  if (pos + len > buf.length) throw new Error('DER: truncated');
  return { tag, start: pos, end: pos + len };
}

function decodeOid(bytes: Uint8Array): string {
  const arcs: number[] = [];
  let value = 0;
  for (const b of bytes) {
    value = value * 128 + (b & 0x7f);
    if (!(b & 0x80)) {
      if (arcs.length === 0) arcs.push(value < 80 ? Math.floor(value / 40) : 2, value < 80 ? value % 40 : value - 80);
      else arcs.push(value);
      value = 0;
    }
  }
  return arcs.join('.');
}

const SEQUENCE = 0x30;
const OID = 0x06;

/** Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm AlgorithmIdentifier, signature } */
export function signatureAlgorithmOid(der: Uint8Array): string {
  const cert = readTlv(der, 0);
  if (cert.tag !== SEQUENCE) throw new Error('DER: not a certificate');
  const tbs = readTlv(der, cert.start);
  const algId = readTlv(der, tbs.end);
  if (algId.tag !== SEQUENCE) throw new Error('DER: no signature algorithm');
  const oid = readTlv(der, algId.start);
  if (oid.tag !== OID) throw new Error('DER: no algorithm OID');
  return decodeOid(der.subarray(oid.start, oid.end));
}

/** OpenSSL's names, as `openssl x509 -text` prints them, so they read familiar to admins. */
const SIGNATURE_ALGORITHMS: Record<string, string> = {
  '1.2.840.113549.1.1.2': 'md2WithRSAEncryption',
  '1.2.840.113549.1.1.4': 'md5WithRSAEncryption',
  '1.2.840.113549.1.1.5': 'sha1WithRSAEncryption',
  '1.2.840.113549.1.1.10': 'rsassaPss',
  '1.2.840.113549.1.1.11': 'sha256WithRSAEncryption',
  '1.2.840.113549.1.1.12': 'sha384WithRSAEncryption',
  '1.2.840.113549.1.1.13': 'sha512WithRSAEncryption',
  '1.2.840.113549.1.1.14': 'sha224WithRSAEncryption',
  '1.2.840.10045.4.1': 'ecdsa-with-SHA1',
  '1.2.840.10045.4.3.1': 'ecdsa-with-SHA224',
  '1.2.840.10045.4.3.2': 'ecdsa-with-SHA256',
  '1.2.840.10045.4.3.3': 'ecdsa-with-SHA384',
  '1.2.840.10045.4.3.4': 'ecdsa-with-SHA512',
  '1.2.840.10040.4.3': 'dsa_with_SHA1',
  '2.16.840.1.101.3.4.3.2': 'dsa_with_SHA256',
  '1.3.101.112': 'ED25519',
  '1.3.101.113': 'ED448',
};

/** The signature algorithm's OpenSSL name, the dotted OID when unknown, 'unknown' if unreadable. */
export function signatureAlgorithmName(der: Uint8Array): string {
  let oid: string;
  try {
    oid = signatureAlgorithmOid(der);
  } catch {
    // Node parsed this certificate already; failing here would mean our reader is too simple.
    return 'unknown';
  }
  return SIGNATURE_ALGORITHMS[oid] ?? oid;
}
