/**
 * How a TLS matrix reads, for every place that shows one (port details, certificate panel, CLI,
 * CSV, widget): which entries are good, bad or unknown. The rules behind the findings are in
 * lib/probe/findings/evaluate-tls-matrix.ts; this only colours what the matrix says.
 */
import type { CheckResult, TlsMatrix, TlsSuiteFamily, TlsSuiteTest, TlsVersionName, TlsVersionTest } from '@/lib/probe/schema';
import type { Tone } from '@/lib/report/status';

export interface MatrixCell<T> {
  test: T;
  tone: Tone;
}

const LEGACY: readonly TlsVersionName[] = ['TLSv1', 'TLSv1.1'];

/** TLS 1.0/1.1 accepted is bad, refused good; TLS 1.2/1.3 the other way round; untested muted. */
export function versionTone(v: TlsVersionTest): Tone {
  if (v.status === 'untested') return 'muted';
  const legacy = LEGACY.includes(v.version);
  if (v.status === 'accepted') return legacy ? 'warn' : 'good';
  // A modern version refused is only a note: the port may still offer the other one.
  return legacy ? 'good' : 'note';
}

/** A weak family accepted is bad (static RSA only a note), refused good, untested muted. */
export function suiteTone(s: TlsSuiteTest): Tone {
  if (s.status === 'untested') return 'muted';
  if (s.status === 'refused') return 'good';
  return s.family === 'no-forward-secrecy' ? 'note' : s.family === '3des' ? 'warn' : 'bad';
}

export function matrixCells(m: TlsMatrix): { versions: MatrixCell<TlsVersionTest>[]; suites: MatrixCell<TlsSuiteTest>[] } {
  return {
    versions: m.versions.map((test) => ({ test, tone: versionTone(test) })),
    suites: m.suites.map((test) => ({ test, tone: suiteTone(test) })),
  };
}

/** "TLS 1.0" for "TLSv1". */
export function matrixVersionLabel(v: TlsVersionName): string {
  return v === 'TLSv1' ? 'TLS 1.0' : v.replace('TLSv', 'TLS ');
}

/** Versions accepted, as short labels ("1.2 1.3"), for compact places (CSV, CLI, widget). */
export function acceptedVersions(m: TlsMatrix): string[] {
  return m.versions.filter((v) => v.status === 'accepted').map((v) => matrixVersionLabel(v.version).replace('TLS ', ''));
}

export function acceptedFamilies(m: TlsMatrix): TlsSuiteFamily[] {
  return m.suites.filter((s) => s.status === 'accepted').map((s) => s.family);
}

/** Entries that could not be tested, with why (local-openssl included). */
export function untestedEntries(m: TlsMatrix): { what: string; reason: string }[] {
  return [
    ...m.versions.filter((v) => v.status === 'untested').map((v) => ({ what: matrixVersionLabel(v.version), reason: v.reason ?? 'aborted' })),
    ...m.suites.filter((s) => s.status === 'untested').map((s) => ({ what: s.family, reason: s.reason ?? 'aborted' })),
  ];
}

/** The one TLS-matrix line a compact view (the widget) shows: the most serious matrix finding. */
export interface MatrixHeadline {
  kind: 'no-modern' | 'broken' | 'legacy';
  tone: Tone;
  /** (address, port) pairs with this finding, of those with a matrix */
  count: number;
  of: number;
}

/**
 * Only serious findings make the line (warning or critical): no TLS 1.2+, broken suites, TLS 1.0/1.1
 * still accepted. Each (address, port) counts once however many MX names share it.
 */
export function matrixHeadline(result: Pick<CheckResult, 'probes' | 'findings'>): MatrixHeadline | undefined {
  const of = new Set(result.probes.filter((p) => p.tlsMatrix).map((p) => `${p.address}|${p.port}`)).size;
  if (of === 0) return undefined;
  const where = (code: string, severities: readonly string[]) =>
    new Set(result.findings.filter((f) => f.code === code && severities.includes(f.severity)).map((f) => `${f.address}|${f.port}`)).size;
  const noModern = where('tls.no-modern-version', ['critical', 'warning']);
  if (noModern > 0) return { kind: 'no-modern', tone: 'bad', count: noModern, of };
  const brokenCritical = where('tls.broken-cipher', ['critical']);
  if (brokenCritical > 0) return { kind: 'broken', tone: 'bad', count: brokenCritical, of };
  const broken = where('tls.broken-cipher', ['warning']);
  if (broken > 0) return { kind: 'broken', tone: 'warn', count: broken, of };
  const legacy = where('tls.legacy-version-accepted', ['warning', 'critical']);
  if (legacy > 0) return { kind: 'legacy', tone: 'warn', count: legacy, of };
  return undefined;
}
