/**
 * Finding rules for the TLS protocol matrix: old versions still accepted, no TLS 1.2+ at all,
 * suites without forward secrecy, broken suites, and what could not be tested. Pure and text-free
 * like evaluate.ts; the texts and their sources are in catalogue-tls-matrix.ts.
 */
import type { Finding, PortProbe, TlsMatrix, TlsSuiteFamily, TlsVersionName } from '../schema';
import { FINDINGS } from './catalogue';

const VERSION_LABEL: Record<TlsVersionName, string> = { TLSv1: 'TLS 1.0', 'TLSv1.1': 'TLS 1.1', 'TLSv1.2': 'TLS 1.2', 'TLSv1.3': 'TLS 1.3' };
const FAMILY_LABEL: Record<TlsSuiteFamily, string> = {
  'no-forward-secrecy': 'static RSA',
  '3des': '3DES',
  rc4: 'RC4',
  null: 'NULL',
  anonymous: 'anonymous',
};
/**
 * RC4 and NULL suites give no real confidentiality: critical. Anonymous suites and 3DES: a warning
 * (anonymous ones authenticate nobody, but between MTAs opportunistic TLS authenticates nobody
 * either (RFC 7435), and Postfix's default server cipher list keeps them on purpose).
 */
const CRITICAL_FAMILIES: readonly TlsSuiteFamily[] = ['rc4', 'null'];
const BROKEN_FAMILIES: readonly TlsSuiteFamily[] = ['3des', 'rc4', 'null', 'anonymous'];

export function versionLabel(v: TlsVersionName): string {
  return VERSION_LABEL[v];
}

export function familyLabel(f: TlsSuiteFamily): string {
  return FAMILY_LABEL[f];
}

/** The findings of one probe's matrix. */
export function matrixFindings(p: PortProbe, m: TlsMatrix): Finding[] {
  const out: Finding[] = [];
  const where = { scope: 'port' as const, host: p.host, address: p.address, port: p.port };
  const status = (v: TlsVersionName) => m.versions.find((x) => x.version === v)?.status;
  const accepted = m.versions.filter((v) => v.status === 'accepted').map((v) => v.version);
  const modern = accepted.some((v) => v === 'TLSv1.2' || v === 'TLSv1.3');

  if (!modern && status('TLSv1.2') === 'refused' && status('TLSv1.3') === 'refused') {
    const versions = accepted.map(versionLabel).join(', ');
    out.push({ code: 'tls.no-modern-version', severity: FINDINGS['tls.no-modern-version'].severity, untested: false, ...where, params: { port: p.port, versions: versions || '—' } });
  }
  // Only beside a modern version: with none, the critical finding above (and the probe's own
  // tls.deprecated-version) already say it.
  const legacy = accepted.filter((v) => v === 'TLSv1' || v === 'TLSv1.1');
  if (modern && legacy.length > 0) {
    const negotiated = p.tls?.version;
    out.push({
      code: 'tls.legacy-version-accepted',
      severity: FINDINGS['tls.legacy-version-accepted'].severity,
      untested: false,
      ...where,
      params: { port: p.port, versions: legacy.map(versionLabel).join(', '), negotiated: negotiated && negotiated in VERSION_LABEL ? VERSION_LABEL[negotiated as TlsVersionName] : (negotiated ?? '?') },
    });
  }

  const suite = (f: TlsSuiteFamily) => m.suites.find((s) => s.family === f);
  const nfs = suite('no-forward-secrecy');
  if (nfs?.status === 'accepted') {
    out.push({ code: 'tls.no-forward-secrecy', severity: FINDINGS['tls.no-forward-secrecy'].severity, untested: false, ...where, params: { port: p.port, cipher: nfs.cipher ?? '?' } });
  }
  const broken = m.suites.filter((s) => s.status === 'accepted' && BROKEN_FAMILIES.includes(s.family));
  if (broken.length > 0) {
    const severity = broken.some((s) => CRITICAL_FAMILIES.includes(s.family)) ? 'critical' : FINDINGS['tls.broken-cipher'].severity;
    const ciphers = [...new Set(broken.map((s) => s.cipher ?? '?'))].join(', ');
    out.push({ code: 'tls.broken-cipher', severity, untested: false, ...where, params: { port: p.port, families: broken.map((s) => familyLabel(s.family)).join(', '), cipher: ciphers } });
  }

  // What this machine cannot offer is shown in the matrix, not repeated per port as a finding.
  const open = [
    ...m.versions.filter((v) => v.status === 'untested' && v.reason !== 'local-openssl').map((v) => ({ what: versionLabel(v.version), reason: v.reason ?? 'aborted' })),
    ...m.suites.filter((s) => s.status === 'untested' && s.reason !== 'local-openssl').map((s) => ({ what: familyLabel(s.family), reason: s.reason ?? 'aborted' })),
  ];
  if (open.length > 0) {
    out.push({
      code: 'tls.matrix-incomplete',
      severity: FINDINGS['tls.matrix-incomplete'].severity,
      untested: true,
      ...where,
      params: { port: p.port, what: open.map((o) => o.what).join(', '), reason: [...new Set(open.map((o) => o.reason))].join(', ') },
    });
  }
  return out;
}

export function evaluateTlsMatrix(probes: readonly PortProbe[]): Finding[] {
  return probes.flatMap((p) => (p.tlsMatrix ? matrixFindings(p, p.tlsMatrix) : []));
}
