/**
 * The TLS client context every probe shares, built once and only when needed: creating a secure
 * context from ~150 roots costs tens of milliseconds, more than a handshake.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createSecureContext, rootCertificates, type SecureContext } from 'node:tls';
import type { TlsContext } from '@/lib/probe/types';
import { signatureAlgorithmOid } from './der';

export interface TlsContextOptions {
  /**
   * A PEM file of extra trust anchors: the app passes NODE_EXTRA_CA_CERTS (Node's own convention;
   * a context given an explicit `ca` list no longer sees it, so it must be added here).
   */
  extraCaFile?: string;
  /** extra trust anchors as PEM text (tests pass their root CA here) */
  extraCaPem?: string;
}

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Splits PEM text into single certificates; anything that is not a certificate is ignored. */
export function splitPemCertificates(text: string): string[] {
  return text.match(PEM_CERT) ?? [];
}

/** A broken anchor is a configuration mistake: say which one instead of trusting less silently. */
function parseAnchors(pems: readonly string[], source: string): X509Certificate[] {
  return pems.map((pem, i) => {
    try {
      return new X509Certificate(pem);
    } catch (err) {
      throw new Error(`certificate #${i + 1} in ${source} does not parse: ${(err as Error).message}`);
    }
  });
}

/** The DER inside a PEM block; base64 with anything else in it is not a certificate. */
function pemDer(pem: string): Buffer {
  const body = pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(body)) throw new Error('not base64');
  return Buffer.from(body, 'base64');
}

/**
 * The start-up check of the extra anchors: each is one whole DER Certificate (a SEQUENCE spanning
 * the block, holding a TBSCertificate and a signature algorithm). Microseconds per certificate,
 * where parsing each into an X509Certificate cost ~2 ms: a NODE_EXTRA_CA_CERTS pointing at the
 * system bundle (~150 certificates) would otherwise delay every CLI run by hundreds of ms. The
 * full parse happens when the anchors are indexed (a chain to complete).
 */
function checkAnchorShapes(pems: readonly string[], source: string): void {
  pems.forEach((pem, i) => {
    try {
      const der = pemDer(pem);
      signatureAlgorithmOid(der);
      // the outer SEQUENCE must end where the block does: nothing cut, nothing appended
      const lenByte = der[1] ?? 0;
      const header = lenByte & 0x80 ? 2 + (lenByte & 0x7f) : 2;
      const len = lenByte & 0x80 ? [...der.subarray(2, header)].reduce((n, b) => n * 256 + b, 0) : lenByte;
      if (header + len !== der.length) throw new Error('DER: trailing or missing bytes');
    } catch (err) {
      throw new Error(`certificate #${i + 1} in ${source} does not parse: ${(err as Error).message}`);
    }
  });
}

function readCaFile(path: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`cannot read CA file ${path} (extraCaFile / NODE_EXTRA_CA_CERTS): ${(err as Error).message}`);
  }
  const pems = splitPemCertificates(text);
  checkAnchorShapes(pems, path);
  return pems;
}

/** "AB:CD:…", as X509Certificate.fingerprint256 writes it, from the DER inside a PEM block. */
function pemFingerprint256(pem: string): string {
  const der = Buffer.from(pem.replace(/-----(BEGIN|END) CERTIFICATE-----|\s+/g, ''), 'base64');
  return (createHash('sha256').update(der).digest('hex').toUpperCase().match(/../g) ?? []).join(':');
}

/**
 * Node's root store + the extra CA file + extraCaPem. The extra anchors are read and their DER
 * shape checked at once (a missing file or a certificate that does not parse is a configuration
 * error, reported at start-up); everything that costs (the secure context from ~150 roots, ~30 ms; parsing every root
 * into an X509Certificate, ~30 ms) is built on first use, so a process that never completes a
 * TLS handshake (the CLI's --help, a check of a domain without MX) never pays for it. The anchors
 * are indexed by subject only when a chain has to be completed.
 */
export function createTlsContext(opts: TlsContextOptions = {}): TlsContext {
  const extraFile = opts.extraCaFile ?? '';
  const extraPem = splitPemCertificates(opts.extraCaPem ?? '');
  checkAnchorShapes(extraPem, 'extraCaPem');
  const extra = [...(extraFile ? readCaFile(extraFile) : []), ...extraPem];
  const pems = () => [...rootCertificates, ...extra];
  let secureContext: SecureContext | undefined;
  let fingerprints: ReadonlySet<string> | undefined;
  let bySubject: Map<string, X509Certificate[]> | undefined;
  return {
    get secureContext() {
      secureContext ??= createSecureContext({
        ca: pems(),
        // Measure old servers instead of failing to reach them: the probe reports TLS 1.0 or a weak
        // key as a finding, which it could not do if the handshake were refused.
        minVersion: 'TLSv1',
        ciphers: 'DEFAULT:@SECLEVEL=0',
      });
      return secureContext;
    },
    get anchorFingerprints() {
      fingerprints ??= new Set(pems().map(pemFingerprint256));
      return fingerprints;
    },
    get anchorsBySubject() {
      if (!bySubject) {
        bySubject = new Map();
        for (const cert of parseAnchors(pems(), 'the trust anchors')) bySubject.set(cert.subject, [...(bySubject.get(cert.subject) ?? []), cert]);
      }
      return bySubject;
    },
  };
}
