/**
 * Fetches https://mta-sts.<domain>/.well-known/mta-sts.txt the way RFC 8461 §3.3 asks a sender to,
 * and through the same guard as every SMTP connection: the host's A/AAAA come from the engine's
 * resolver, each address passes the address policy, and the socket goes to exactly that address
 * (guardedConnect; node:https would resolve the name itself). The certificate is checked against
 * the engine's trust store and the name mta-sts.<domain>; a redirect is reported, never followed;
 * the body is capped while it is read; the whole fetch has a time budget.
 */
import type { IncomingMessage } from 'node:http';
import { isIP, type Socket } from 'node:net';
import { waitForSocket } from '@/lib/probe/net/wait-for-socket';
import { checkServerIdentity, connect as tlsConnect, type TLSSocket } from 'node:tls';
import type { StsFetch } from '@/lib/probe/schema';
import { guardedConnect, refuseLookup } from '@/lib/probe/net/guarded-connect';
import { tidyTlsError } from '@/lib/probe/net/tls-handshake';
import type { AddressPolicy, Clock, ConnectFn, DnsResolver, TlsContext } from '@/lib/probe/types';

/** RFC 8461 §3.3: senders SHOULD cap the policy body at 64 KiB. */
export const STS_MAX_BODY_BYTES = 64 * 1024;
/** Addresses tried before giving up (a sender would try one or two as well). */
const MAX_ADDRESSES_TRIED = 2;

export interface FetchStsOptions {
  domain: string;
  resolver: DnsResolver;
  policy: AddressPolicy;
  tls: TlsContext;
  clock: Clock;
  /** the whole fetch, DNS included */
  budgetMs: number;
  connectTimeoutMs: number;
  signal?: AbortSignal;
  connect?: ConnectFn;
  /** port of the HTTPS server; 443 except in tests that cannot bind it */
  port?: number;
}

export interface FetchStsResult {
  fetch: StsFetch;
  /** the body, when the fetch got a 200 read in full */
  body?: string;
}

class FetchStop extends Error {
  constructor(
    readonly outcome: StsFetch['outcome'],
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The error for a connection step that ran out of its time budget. */
const timedOut = () => new FetchStop('timeout', 'ETIMEDOUT', 'no answer within the time budget');

async function addressesOf(resolver: DnsResolver, host: string): Promise<{ address: string; family: 4 | 6 }[]> {
  const [a, aaaa] = await Promise.allSettled([resolver.resolve4(host), resolver.resolve6(host)]);
  const out: { address: string; family: 4 | 6 }[] = [];
  if (a.status === 'fulfilled') for (const x of a.value) if (isIP(x) === 4) out.push({ address: x, family: 4 });
  if (aaaa.status === 'fulfilled') for (const x of aaaa.value) if (isIP(x) === 6) out.push({ address: x, family: 6 });
  return out;
}

export async function fetchStsPolicy(opts: FetchStsOptions): Promise<FetchStsResult> {
  const host = `mta-sts.${opts.domain}`;
  const url = `https://${host}/.well-known/mta-sts.txt`;
  const t0 = opts.clock.monotonic();
  const ms = () => Math.max(0, Math.round(opts.clock.monotonic() - t0));
  const budget = AbortSignal.timeout(opts.budgetMs);
  const signal = opts.signal ? AbortSignal.any([opts.signal, budget]) : budget;
  const base = { url };
  const sockets: Socket[] = [];
  const stopped = (e: FetchStop, extra: Partial<StsFetch> = {}): FetchStsResult => ({
    fetch: { ...base, ...extra, outcome: opts.signal?.aborted ? 'aborted' : e.outcome, errorCode: e.code, errorMessage: e.message, ms: ms() },
  });
  try {
    const all = await addressesOf(opts.resolver, host);
    if (all.length === 0) return stopped(new FetchStop('no-address', 'NO_ADDRESS', `${host} has no A or AAAA record`));
    const allowed = all.filter((a) => opts.policy(a.address).allowed);
    if (allowed.length === 0) {
      return stopped(new FetchStop('blocked-target', 'BLOCKED', `every address of ${host} is in a range that may not be connected to`));
    }
    let last: FetchStop | undefined;
    for (const target of allowed.slice(0, MAX_ADDRESSES_TRIED)) {
      const guarded = guardedConnect({ ...target, port: opts.port ?? 443, policy: opts.policy, ...(opts.connect ? { connect: opts.connect } : {}) });
      if (!guarded.ok) continue;
      const raw = guarded.socket;
      sockets.push(raw);
      raw.on('error', () => {});
      const connectTimer = AbortSignal.any([signal, AbortSignal.timeout(opts.connectTimeoutMs)]);
      try {
        await waitForSocket(raw, 'connect', connectTimer, (err) => new FetchStop('connect-failed', err.code ?? 'ECONNECT', err.message), timedOut);
      } catch (e) {
        raw.destroy();
        last = e instanceof FetchStop ? e : new FetchStop('connect-failed', 'ECONNECT', String(e));
        if (signal.aborted) break;
        continue;
      }
      return await overTls(raw, { host, url, address: target.address, signal, ms, tls: opts.tls, sockets });
    }
    return stopped(last ?? new FetchStop('connect-failed', 'ECONNECT', `could not connect to ${host}`));
  } catch (e) {
    if (e instanceof FetchStopWith) return stopped(e.stop, e.extra);
    if (e instanceof FetchStop) return stopped(e);
    throw e;
  } finally {
    for (const s of sockets) s.destroy();
  }
}

/** A stop that keeps what was learnt before it (address, TLS facts, status). */
class FetchStopWith extends Error {
  constructor(
    readonly stop: FetchStop,
    readonly extra: Partial<StsFetch>,
  ) {
    super(stop.message);
  }
}

async function overTls(
  raw: Socket,
  ctx: { host: string; url: string; address: string; signal: AbortSignal; ms: () => number; tls: TlsContext; sockets: Socket[] },
): Promise<FetchStsResult> {
  const { host, signal } = ctx;
  let learnt: Partial<StsFetch> = { address: ctx.address };
  const secure: TLSSocket = tlsConnect({
    socket: raw,
    servername: host,
    secureContext: ctx.tls.secureContext,
    // Trust and name are judged below, each its own finding; the body is still read to show it.
    rejectUnauthorized: false,
    // Node folds a name mismatch into `authorized`; the name is checked apart below, so that
    // `authorized` speaks of the chain alone.
    checkServerIdentity: () => undefined,
    ALPNProtocols: ['http/1.1'],
  });
  ctx.sockets.push(secure);
  secure.on('error', () => {});
  try {
    await waitForSocket(secure, 'secureConnect', signal, (err) => new FetchStop('tls-failed', tidyTlsError(err).code, tidyTlsError(err).message), timedOut);
  } catch (e) {
    throw new FetchStopWith(e as FetchStop, learnt);
  }
  const peer = secure.getPeerCertificate();
  const names = (peer.subjectaltname ?? '').split(', ').filter((n) => n !== '');
  const verifyError = secure.authorizationError ? String((secure.authorizationError as unknown as { code?: string }).code ?? secure.authorizationError) : undefined;
  learnt = {
    ...learnt,
    tls: {
      ...(secure.getProtocol() ? { version: secure.getProtocol()! } : {}),
      trusted: secure.authorized,
      ...(verifyError ? { verifyError } : {}),
      hostnameMatch: checkServerIdentity(host, peer) === undefined,
      names,
    },
  };
  // node:http loads only for a domain that publishes a policy: most checks (and the CLI's start) never need it.
  const { request } = await import('node:http');
  const response = await new Promise<IncomingMessage>((resolve, reject) => {
    const req = request({
      createConnection: () => secure,
      host,
      path: '/.well-known/mta-sts.txt',
      method: 'GET',
      headers: { Accept: 'text/plain', Connection: 'close', 'User-Agent': 'mxray (MTA-STS check)' },
      // No agent: with one (even agent: false) Node would open its own connection and resolve the
      // name; createConnection alone makes the request use the guarded socket. refuseLookup makes
      // any path that would still resolve fail instead.
      lookup: refuseLookup,
    });
    const onAbort = () => {
      req.destroy();
      reject(new FetchStopWith(new FetchStop('timeout', 'ETIMEDOUT', 'no answer within the time budget'), learnt));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    req.once('response', (res) => {
      signal.removeEventListener('abort', onAbort);
      resolve(res);
    });
    req.once('error', (err: NodeJS.ErrnoException) => {
      signal.removeEventListener('abort', onAbort);
      reject(new FetchStopWith(new FetchStop(signal.aborted ? 'timeout' : 'http-status', err.code ?? 'HTTP_ERROR', err.message), learnt));
    });
    req.end();
  });
  const status = response.statusCode ?? 0;
  const contentType = response.headers['content-type'];
  learnt = { ...learnt, status, ...(contentType ? { contentType } : {}) };
  if (status >= 300 && status < 400) {
    const location = response.headers.location;
    response.destroy();
    throw new FetchStopWith(new FetchStop('redirect', `HTTP_${status}`, `answered ${status} instead of the policy`), {
      ...learnt,
      ...(location ? { location } : {}),
    });
  }
  if (status !== 200) {
    response.destroy();
    throw new FetchStopWith(new FetchStop('http-status', `HTTP_${status}`, `answered ${status} instead of 200`), learnt);
  }
  const declared = Number(response.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > STS_MAX_BODY_BYTES) {
    response.destroy();
    throw new FetchStopWith(new FetchStop('oversize', 'OVERSIZE', `declares ${declared} bytes, over the ${STS_MAX_BODY_BYTES}-byte cap`), {
      ...learnt,
      bytes: declared,
    });
  }
  const body = await readCapped(response, signal, learnt);
  return { fetch: { url: ctx.url, ...learnt, outcome: 'fetched', bytes: body.length, ms: ctx.ms() }, body: body.toString('utf8') };
}

/** Reads the body, stopping as soon as it passes the cap (a server may stream forever). */
function readCapped(res: IncomingMessage, signal: AbortSignal, learnt: Partial<StsFetch>): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const fail = (stop: FetchStop, extra: Partial<StsFetch> = {}) => {
      // destroy() emits 'aborted' at once: the first reason is the one that counts.
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      reject(new FetchStopWith(stop, { ...learnt, ...extra }));
      res.destroy();
    };
    const onAbort = () => fail(new FetchStop('timeout', 'ETIMEDOUT', 'the body did not arrive within the time budget'));
    signal.addEventListener('abort', onAbort, { once: true });
    res.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > STS_MAX_BODY_BYTES) {
        return fail(new FetchStop('oversize', 'OVERSIZE', `the body passed the ${STS_MAX_BODY_BYTES}-byte cap`), { bytes: size });
      }
      chunks.push(chunk);
    });
    res.once('end', () => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      resolve(Buffer.concat(chunks));
    });
    res.once('error', (err: NodeJS.ErrnoException) => fail(new FetchStop('http-status', err.code ?? 'HTTP_ERROR', err.message)));
    res.once('aborted', () => fail(new FetchStop('http-status', 'ECONNRESET', 'the connection was closed before the body ended')));
  });
}
