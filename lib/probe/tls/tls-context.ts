/**
 * The TLS client context every probe shares, built once: creating a secure context from ~150 roots
 * costs tens of milliseconds, more than a handshake.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createSecureContext, rootCertificates } from 'node:tls';
import type { TlsContext } from '@/lib/probe/types';

export interface TlsContextOptions {
  /**
   * A PEM file of extra trust anchors. Defaults to process.env.NODE_EXTRA_CA_CERTS: that variable is
   * Node's own convention, and a context given an explicit `ca` list no longer sees it, so it is
   * read here rather than through the app's env module. Pass '' to ignore it.
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

interface Anchor {
  pem: string;
  cert: X509Certificate;
}

/** A broken anchor is a configuration mistake: say which one instead of trusting less silently. */
function parseAnchors(text: string, source: string): Anchor[] {
  return splitPemCertificates(text).map((pem, i) => {
    try {
      return { pem, cert: new X509Certificate(pem) };
    } catch (err) {
      throw new Error(`certificate #${i + 1} in ${source} does not parse: ${(err as Error).message}`);
    }
  });
}

function readCaFile(path: string): Anchor[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`cannot read CA file ${path} (extraCaFile / NODE_EXTRA_CA_CERTS): ${(err as Error).message}`);
  }
  return parseAnchors(text, path);
}

/**
 * Node's root store + the extra CA file + extraCaPem. Throws (a configuration error, at start-up)
 * when the CA file cannot be read or holds a certificate that does not parse.
 */
export function createTlsContext(opts: TlsContextOptions = {}): TlsContext {
  const extraFile = opts.extraCaFile ?? process.env.NODE_EXTRA_CA_CERTS ?? '';
  const anchors = [
    ...parseAnchors(rootCertificates.join('\n'), 'tls.rootCertificates'),
    ...(extraFile ? readCaFile(extraFile) : []),
    ...parseAnchors(opts.extraCaPem ?? '', 'extraCaPem'),
  ];
  const secureContext = createSecureContext({
    ca: anchors.map((a) => a.pem),
    // Measure old servers instead of failing to reach them: the probe reports TLS 1.0 or a weak
    // key as a finding, which it could not do if the handshake were refused.
    minVersion: 'TLSv1',
    ciphers: 'DEFAULT:@SECLEVEL=0',
  });
  const anchorsBySubject = new Map<string, X509Certificate[]>();
  for (const { cert } of anchors) anchorsBySubject.set(cert.subject, [...(anchorsBySubject.get(cert.subject) ?? []), cert]);
  return { secureContext, anchorFingerprints: new Set(anchors.map((a) => a.cert.fingerprint256)), anchorsBySubject };
}
