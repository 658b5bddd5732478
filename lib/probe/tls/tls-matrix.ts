/**
 * The TLS protocol matrix, decided without I/O: which handshakes to try on one (address, port),
 * and what their answers mean. run-tls-matrix.ts opens the connections; this file only plans and
 * reads, so every rule here is unit-tested without a server.
 *
 * The plan, for a port whose own probe negotiated version N:
 * - N itself is accepted (the probe's handshake proved it);
 * - TLS 1.2 and TLS 1.3, when not N: one handshake each, offering only that version;
 * - TLS 1.0 and TLS 1.1, when neither is N: one handshake offering only those two. A refusal
 *   proves both refused (the server would have completed the handshake with either); an
 *   acceptance proves the version it negotiated, and the other one then gets its own handshake;
 * - the weak suite families: one handshake (TLS 1.0–1.2) offering every family this machine can
 *   offer. A refusal proves every family refused; an accepted suite marks its families, and the
 *   remaining families are offered again, until a refusal or none is left.
 * A version or family this machine's OpenSSL cannot put in a ClientHello is "untested
 * (local-openssl)", never "refused".
 */
import { TLS_SUITE_FAMILIES, TLS_VERSIONS } from '@/lib/probe/tls/tls-names';
import type {
  TlsMatrix,
  TlsSuiteFamily,
  TlsSuiteTest,
  TlsUntestedReason,
  TlsVersionName,
  TlsVersionTest,
} from '@/lib/probe/schema';

/** What this machine's OpenSSL can offer (local-tls-support.ts measures it once per process). */
export interface LocalTlsSupport {
  versions: ReadonlySet<TlsVersionName>;
  families: ReadonlySet<TlsSuiteFamily>;
}

/** One handshake to try: a contiguous version range, or the weak families to offer together. */
export type MatrixAttempt =
  | { kind: 'versions'; versions: readonly TlsVersionName[] }
  | { kind: 'suites'; families: readonly TlsSuiteFamily[] };

/** How one attempt ended. */
export type AttemptOutcome =
  | { kind: 'accepted'; version: string; cipher: string; standardName?: string }
  | { kind: 'refused'; detail: string }
  | { kind: 'untested'; reason: TlsUntestedReason; detail?: string };

/**
 * OpenSSL cipher strings per family. No forward secrecy = static RSA key exchange (kRSA): OpenSSL
 * 3 has no static (EC)DH suites left to offer. '@SECLEVEL=0' lets OpenSSL 3 offer what its
 * default level would drop.
 */
export const FAMILY_CIPHERS: Record<TlsSuiteFamily, string> = {
  'no-forward-secrecy': 'kRSA',
  '3des': '3DES',
  rc4: 'RC4',
  null: 'eNULL',
  anonymous: 'aNULL',
};

export function familyCipherString(families: readonly TlsSuiteFamily[]): string {
  return `${families.map((f) => FAMILY_CIPHERS[f]).join(':')}:@SECLEVEL=0`;
}

/** Every suite OpenSSL has for TLS ≤ 1.2 (not eNULL), so a version test is not lost on a cipher. */
export const VERSION_CIPHERS = 'ALL:@SECLEVEL=0';

/**
 * The weak families a negotiated suite belongs to, from its IANA name (Node's standardName, e.g.
 * TLS_RSA_WITH_3DES_EDE_CBC_SHA). Static key exchange (RSA, DH_RSA/DSS, ECDH_RSA/ECDSA, PSK) has
 * no forward secrecy; anonymous (DH_anon, ECDH_anon) suites authenticate nobody.
 */
export function suiteFamilies(standardName: string): TlsSuiteFamily[] {
  const n = standardName.toUpperCase().replace(/^SSL_/, 'TLS_');
  const out: TlsSuiteFamily[] = [];
  const anonymous = /^TLS_(EC)?DH_ANON_/.test(n);
  if (!anonymous && /^TLS_(RSA|RSA_PSK|PSK|DH_(RSA|DSS)|ECDH_(RSA|ECDSA))_WITH_/.test(n)) out.push('no-forward-secrecy');
  if (/_3DES_EDE_/.test(n)) out.push('3des');
  if (/_RC4_/.test(n)) out.push('rc4');
  if (/_WITH_NULL_/.test(n)) out.push('null');
  if (anonymous) out.push('anonymous');
  return out;
}

/** OpenSSL errors that are about this machine, not the server: nothing went on the wire. */
export function isLocalTlsError(code: string): boolean {
  return code === 'ERR_SSL_NO_PROTOCOLS_AVAILABLE' || code === 'ERR_SSL_NO_CIPHERS_AVAILABLE' || code === 'ERR_SSL_NO_CIPHER_MATCH';
}

function isVersionName(v: string | undefined): v is TlsVersionName {
  return (TLS_VERSIONS as readonly string[]).includes(v ?? '');
}

const LEGACY: readonly TlsVersionName[] = ['TLSv1', 'TLSv1.1'];

/**
 * The matrix of one port while its handshakes run: hands out attempts (next), takes their outcomes
 * (record), and says when nothing is left (done). Attempts already handed out may run at once.
 */
export class TlsMatrixPlanner {
  private readonly versions = new Map<TlsVersionName, TlsVersionTest>();
  private readonly suites = new Map<TlsSuiteFamily, TlsSuiteTest>();
  private readonly queue: MatrixAttempt[] = [];
  private inFlight = 0;
  handshakes = 0;

  constructor(negotiated: { version?: string; cipher?: string }, local: LocalTlsSupport) {
    if (isVersionName(negotiated.version)) {
      this.versions.set(negotiated.version, {
        version: negotiated.version,
        status: 'accepted',
        evidence: 'probe',
        ...(negotiated.cipher ? { cipher: negotiated.cipher } : {}),
      });
    }
    for (const v of TLS_VERSIONS) {
      if (!this.versions.has(v) && !local.versions.has(v)) {
        this.versions.set(v, { version: v, status: 'untested', reason: 'local-openssl', detail: `this machine's OpenSSL cannot offer ${v}` });
      }
    }
    for (const v of ['TLSv1.2', 'TLSv1.3'] as const) if (!this.versions.has(v)) this.queue.push({ kind: 'versions', versions: [v] });
    const legacy = LEGACY.filter((v) => !this.versions.has(v));
    if (legacy.length > 0) this.queue.push({ kind: 'versions', versions: legacy });

    for (const f of TLS_SUITE_FAMILIES) {
      if (!local.families.has(f)) this.suites.set(f, { family: f, status: 'untested', reason: 'local-openssl', detail: `this machine's OpenSSL cannot offer ${f} suites` });
    }
    const families = TLS_SUITE_FAMILIES.filter((f) => !this.suites.has(f));
    // Suites are offered with TLS 1.0–1.2 (none of these families exists in TLS 1.3); without
    // any of those versions locally there is nothing to offer them with.
    const legacyVersions = TLS_VERSIONS.filter((v) => v !== 'TLSv1.3' && local.versions.has(v));
    if (legacyVersions.length === 0) {
      for (const f of families) this.suites.set(f, { family: f, status: 'untested', reason: 'local-openssl', detail: "this machine's OpenSSL offers no TLS version below 1.3" });
    } else if (families.length > 0) {
      this.queue.push({ kind: 'suites', families });
    }
  }

  /** The next attempt to start, if any is ready. */
  next(): MatrixAttempt | undefined {
    const a = this.queue.shift();
    if (a) {
      this.inFlight++;
      this.handshakes++;
    }
    return a;
  }

  get done(): boolean {
    return this.queue.length === 0 && this.inFlight === 0;
  }

  record(attempt: MatrixAttempt, outcome: AttemptOutcome): void {
    this.inFlight--;
    if (attempt.kind === 'versions') this.recordVersions(attempt.versions, outcome);
    else this.recordSuites(attempt.families, outcome);
  }

  private recordVersions(asked: readonly TlsVersionName[], o: AttemptOutcome): void {
    const evidence = asked.length > 1 ? 'range' : 'pinned';
    if (o.kind === 'refused') {
      for (const v of asked) this.versions.set(v, { version: v, status: 'refused', evidence, detail: o.detail });
      return;
    }
    if (o.kind === 'untested') {
      for (const v of asked) this.versions.set(v, { version: v, status: 'untested', reason: o.reason, ...(o.detail ? { detail: o.detail } : {}) });
      return;
    }
    const got = o.version;
    if (!isVersionName(got) || !asked.includes(got)) {
      // A server that completes a handshake with a version we did not offer is broken or lying.
      for (const v of asked) this.versions.set(v, { version: v, status: 'untested', reason: 'inconclusive', detail: `the server answered with ${got}, which was not offered` });
      return;
    }
    this.versions.set(got, { version: got, status: 'accepted', evidence, cipher: o.cipher });
    // The others in a range are still open: each gets its own handshake.
    for (const v of asked) if (v !== got) this.queue.push({ kind: 'versions', versions: [v] });
  }

  private recordSuites(asked: readonly TlsSuiteFamily[], o: AttemptOutcome): void {
    if (o.kind === 'refused') {
      for (const f of asked) this.suites.set(f, { family: f, status: 'refused', detail: o.detail });
      return;
    }
    if (o.kind === 'untested') {
      for (const f of asked) this.suites.set(f, { family: f, status: 'untested', reason: o.reason, ...(o.detail ? { detail: o.detail } : {}) });
      return;
    }
    const hit = o.standardName ? suiteFamilies(o.standardName).filter((f) => asked.includes(f)) : [];
    if (hit.length === 0) {
      // Never expected: the server picked a suite outside what was offered. Do not loop on it.
      const detail = `the server chose ${o.cipher}, outside the suites offered`;
      for (const f of asked) this.suites.set(f, { family: f, status: 'untested', reason: 'inconclusive', detail });
      return;
    }
    for (const f of hit) {
      this.suites.set(f, {
        family: f,
        status: 'accepted',
        cipher: o.cipher,
        ...(o.standardName ? { cipherStandardName: o.standardName } : {}),
        version: o.version,
      });
    }
    const rest = asked.filter((f) => !hit.includes(f));
    if (rest.length > 0) this.queue.push({ kind: 'suites', families: rest });
  }

  /** The matrix so far; anything never settled (no attempt ran) reads as untested, aborted. */
  result(ms: number): TlsMatrix {
    return {
      versions: TLS_VERSIONS.map((v) => this.versions.get(v) ?? { version: v, status: 'untested', reason: 'aborted' }),
      suites: TLS_SUITE_FAMILIES.map((f) => this.suites.get(f) ?? { family: f, status: 'untested', reason: 'aborted' }),
      handshakes: this.handshakes,
      ms: Math.max(0, Math.round(ms)),
    };
  }
}
