/**
 * What this machine's OpenSSL can offer, measured rather than assumed: Node 20 ships OpenSSL 3,
 * which offers TLS 1.0/1.1 only at security level 0 and, depending on how it was built, no 3DES or
 * RC4 suites at all. For each version and weak suite family a ClientHello is built in memory (a
 * TLS client over an in-process stream; nothing goes on the network) and read back: the version
 * or family counts only if OpenSSL wrote a ClientHello holding a suite for it. Measured once per
 * process, on the first matrix.
 */
import { Duplex } from 'node:stream';
import { connect as tlsConnect } from 'node:tls';
import type { TlsSuiteFamily, TlsVersionName } from '@/lib/probe/schema';
import { TLS_SUITE_FAMILIES, TLS_VERSIONS } from '@/lib/probe/tls/tls-names';
import { familyCipherString, VERSION_CIPHERS, type LocalTlsSupport } from './tls-matrix';

/** TLS_EMPTY_RENEGOTIATION_INFO_SCSV and TLS_FALLBACK_SCSV are signals, not suites. */
const SIGNALLING = new Set([0x00ff, 0x5600]);

/**
 * The cipher suite ids of a ClientHello record (RFC 5246 §7.4.1.2), or undefined when the bytes
 * are not one. Only what is needed: record header, handshake header, version, random, session id.
 */
export function clientHelloSuites(record: Buffer): number[] | undefined {
  if (record.length < 5 + 4 + 2 + 32 + 1 + 2 || record[0] !== 0x16 || record[5] !== 0x01) return undefined;
  let o = 5 + 4 + 2 + 32;
  o += 1 + record[o]!;
  if (o + 2 > record.length) return undefined;
  const n = record.readUInt16BE(o);
  o += 2;
  if (o + n > record.length || n % 2 !== 0) return undefined;
  const out: number[] = [];
  for (let i = 0; i < n; i += 2) out.push(record.readUInt16BE(o + i));
  return out;
}

/** The suites OpenSSL puts in a ClientHello for these options, or undefined when it builds none. */
export function offeredSuites(opts: { minVersion: TlsVersionName; maxVersion: TlsVersionName; ciphers: string }): Promise<number[] | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let settled = false;
    let socket: ReturnType<typeof tlsConnect> | undefined;
    const finish = (suites: number[] | undefined) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket?.destroy();
      resolve(suites);
    };
    // The ClientHello is written at once; nothing answers it, so a bound ends the wait regardless.
    const timer = setTimeout(() => finish(clientHelloSuites(Buffer.concat(chunks))), 1_000);
    timer.unref();
    const wire = new Duplex({
      read() {},
      write(chunk: Buffer, _enc, cb) {
        chunks.push(chunk);
        cb();
        setImmediate(() => finish(clientHelloSuites(Buffer.concat(chunks))));
      },
    });
    try {
      socket = tlsConnect({ socket: wire, rejectUnauthorized: false, minVersion: opts.minVersion, maxVersion: opts.maxVersion, ciphers: opts.ciphers });
      socket.on('error', () => finish(undefined));
    } catch {
      // ERR_SSL_NO_CIPHER_MATCH: OpenSSL knows no suite of this family at all.
      finish(undefined);
    }
  });
}

let measured: Promise<LocalTlsSupport> | undefined;

async function measure(): Promise<LocalTlsSupport> {
  const versions = new Set<TlsVersionName>();
  for (const v of TLS_VERSIONS) {
    const suites = await offeredSuites({ minVersion: v, maxVersion: v, ciphers: v === 'TLSv1.3' ? 'DEFAULT:@SECLEVEL=0' : VERSION_CIPHERS });
    if (suites && suites.some((s) => !SIGNALLING.has(s))) versions.add(v);
  }
  const families = new Set<TlsSuiteFamily>();
  const legacy = TLS_VERSIONS.filter((v) => v !== 'TLSv1.3' && versions.has(v));
  if (legacy.length > 0) {
    for (const f of TLS_SUITE_FAMILIES) {
      const suites = await offeredSuites({ minVersion: legacy[0]!, maxVersion: legacy[legacy.length - 1]!, ciphers: familyCipherString([f]) });
      // With maxVersion ≤ 1.2 no TLS 1.3 suite is offered: anything left is of this family.
      if (suites && suites.some((s) => !SIGNALLING.has(s) && (s & 0xff00) !== 0x1300)) families.add(f);
    }
  }
  return { versions, families };
}

/** This process's OpenSSL capabilities, measured on first use. */
export function localTlsSupport(): Promise<LocalTlsSupport> {
  measured ??= measure();
  return measured;
}
