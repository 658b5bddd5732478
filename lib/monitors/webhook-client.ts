/**
 * Webhook URLs are user input, so a webhook must never become a way into our own network (SSRF).
 * The URL's host is resolved through the product's DNS path (the engine's resolver, DNS_SERVERS;
 * never getaddrinfo), every address must pass the same address policy as SMTP probes, and the
 * socket goes to exactly a checked address through guardedConnect, both when the monitor is
 * created and on every delivery (a name may point elsewhere by then). `https` only, with the
 * certificate verified against the product's trust store; plain `http` only when every address is
 * inside WEBHOOK_ALLOW_CIDRS (a receiver on the operator's own network). Redirects are never
 * followed, every attempt has a time budget, and the answer is read up to a cap, then dropped.
 */
import { request, type IncomingMessage } from 'node:http';
import { isIP, type Socket } from 'node:net';
import { waitForSocket } from '@/lib/probe/net/wait-for-socket';
import { connect as tlsConnect } from 'node:tls';
import ipaddr from 'ipaddr.js';
import { parseIpStrict } from '@/lib/probe/address-policy';
import { guardedConnect, refuseLookup } from '@/lib/probe/net/guarded-connect';
import { tidyTlsError } from '@/lib/probe/net/tls-handshake';
import type { AddressPolicy, Clock, ConnectFn, DnsResolver, TlsContext } from '@/lib/probe/types';
import { systemClock } from '@/lib/probe/types';
import type { DeliveryOutcome } from './schemas';

export interface WebhookClientDeps {
  resolver: DnsResolver;
  /** the probes' address policy, opened by WEBHOOK_ALLOW_CIDRS rather than PROBE_ALLOW_CIDRS */
  policy: AddressPolicy;
  /** WEBHOOK_ALLOW_CIDRS: where plain http is accepted */
  httpAllowCidrs: string[];
  tls: TlsContext;
  /** one attempt, DNS included */
  timeoutMs: number;
  /** bytes of the receiver's answer read before the connection is dropped */
  maxResponseBytes: number;
  connect?: ConnectFn;
  clock?: Clock;
}

export type Target = { address: string; family: 4 | 6 };

export type UrlCheck =
  | { ok: true; url: URL; host: string; port: number; targets: Target[] }
  | { ok: false; outcome: Extract<DeliveryOutcome, 'invalid-url' | 'no-address' | 'refused-address'>; message: string };

function inCidrs(address: string, cidrs: string[]): boolean {
  const ip = parseIpStrict(address);
  if (!ip) return false;
  return cidrs.some((c) => {
    const [net, bits] = c.includes('/') ? ipaddr.parseCIDR(c) : [ipaddr.parse(c), ip.kind() === 'ipv4' ? 32 : 128];
    return net.kind() === ip.kind() && ip.match(net, bits);
  });
}

async function resolveHost(resolver: DnsResolver, host: string): Promise<Target[]> {
  const [a, aaaa] = await Promise.allSettled([resolver.resolve4(host), resolver.resolve6(host)]);
  const out: Target[] = [];
  if (a.status === 'fulfilled') for (const x of a.value) if (isIP(x) === 4) out.push({ address: x, family: 4 });
  if (aaaa.status === 'fulfilled') for (const x of aaaa.value) if (isIP(x) === 6) out.push({ address: x, family: 6 });
  return out;
}

/** Parses, resolves and judges a webhook URL; nothing is connected to. */
export async function checkWebhookUrl(raw: string, deps: Pick<WebhookClientDeps, 'resolver' | 'policy' | 'httpAllowCidrs'>): Promise<UrlCheck> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, outcome: 'invalid-url', message: 'not a URL' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { ok: false, outcome: 'invalid-url', message: 'only https URLs are accepted' };
  if (url.username || url.password) return { ok: false, outcome: 'invalid-url', message: 'credentials in the URL are not accepted' };
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
  let targets: Target[];
  const literal = isIP(host);
  if (literal !== 0) targets = [{ address: host, family: literal as 4 | 6 }];
  else {
    if (!/^(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{1,63}$/.test(host)) {
      return { ok: false, outcome: 'invalid-url', message: 'the host is not a domain name' };
    }
    targets = await resolveHost(deps.resolver, host);
    if (targets.length === 0) return { ok: false, outcome: 'no-address', message: `${host} has no A or AAAA record` };
  }
  // Every address, not just one: a name that also points inside would be tried on a retry.
  const refused = targets.find((t) => !deps.policy(t.address).allowed);
  if (refused) {
    return { ok: false, outcome: 'refused-address', message: `${host} resolves to ${refused.address}, an address webhooks may not be sent to` };
  }
  if (url.protocol === 'http:' && !targets.every((t) => inCidrs(t.address, deps.httpAllowCidrs))) {
    return { ok: false, outcome: 'invalid-url', message: 'only https URLs are accepted (plain http only inside WEBHOOK_ALLOW_CIDRS)' };
  }
  return { ok: true, url, host, port, targets };
}

export interface AttemptResult {
  outcome: DeliveryOutcome;
  httpStatus: number | null;
  error: string | null;
  durationMs: number;
}

class Stop extends Error {
  constructor(
    readonly outcome: DeliveryOutcome,
    message: string,
    readonly httpStatus: number | null = null,
  ) {
    super(message);
  }
}

/** The error for a connection step that ran out of its time budget. */
const timedOut = () => new Stop('timeout', 'no answer within the time budget');

/** POSTs one body to a webhook URL: one attempt, never throws for the receiver's fault. */
export async function postWebhook(
  opts: { url: string; body: string; headers: Record<string, string> },
  deps: WebhookClientDeps,
): Promise<AttemptResult> {
  const clock = deps.clock ?? systemClock;
  const t0 = clock.monotonic();
  const ms = () => Math.max(0, Math.round(clock.monotonic() - t0));
  const signal = AbortSignal.timeout(deps.timeoutMs);
  const sockets: Socket[] = [];
  const end = (outcome: DeliveryOutcome, error: string | null, httpStatus: number | null = null): AttemptResult => ({
    outcome,
    httpStatus,
    error: error === null ? null : error.slice(0, 300),
    durationMs: ms(),
  });
  try {
    const checked = await checkWebhookUrl(opts.url, deps);
    if (!checked.ok) return end(checked.outcome, checked.message);
    let socket: Socket | undefined;
    let last: Stop | undefined;
    for (const target of checked.targets.slice(0, 2)) {
      const guarded = guardedConnect({ ...target, port: checked.port, policy: deps.policy, ...(deps.connect ? { connect: deps.connect } : {}) });
      if (!guarded.ok) {
        last = new Stop('refused-address', guarded.refusal.message);
        continue;
      }
      const raw = guarded.socket;
      sockets.push(raw);
      raw.on('error', () => {});
      try {
        await waitForSocket(raw, 'connect', signal, (err) => new Stop('connect-failed', `${err.code ?? 'ECONNECT'}: ${err.message}`), timedOut);
        socket = raw;
        break;
      } catch (e) {
        last = e as Stop;
        if (signal.aborted) break;
      }
    }
    if (!socket) throw last ?? new Stop('connect-failed', 'could not connect');
    if (checked.url.protocol === 'https:') {
      const secure = tlsConnect({
        socket,
        ...(isIP(checked.host) === 0 ? { servername: checked.host } : {}),
        host: checked.host,
        secureContext: deps.tls.secureContext,
        // The receiver must prove it is who the URL names: chain and host name both checked.
        rejectUnauthorized: true,
        ALPNProtocols: ['http/1.1'],
      });
      sockets.push(secure);
      secure.on('error', () => {});
      await waitForSocket(secure, 'secureConnect', signal, (err) => new Stop('tls-failed', tidyTlsError(err).message), timedOut);
      socket = secure;
    }
    const res = await send(socket, checked, opts, signal);
    const status = res.statusCode ?? 0;
    await drain(res, deps.maxResponseBytes, signal);
    if (status >= 200 && status < 300) return end('delivered', null, status);
    if (status >= 300 && status < 400) return end('redirect', `answered ${status}; redirects are not followed`, status);
    return end('http-status', `answered ${status}`, status);
  } catch (e) {
    if (e instanceof Stop) return end(signal.aborted && e.outcome !== 'refused-address' ? 'timeout' : e.outcome, e.message, e.httpStatus);
    throw e;
  } finally {
    for (const s of sockets) s.destroy();
  }
}

function send(
  socket: Socket,
  checked: Extract<UrlCheck, { ok: true }>,
  opts: { body: string; headers: Record<string, string> },
  signal: AbortSignal,
): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const body = Buffer.from(opts.body, 'utf8');
    const req = request({
      // No agent: createConnection alone makes the request use the guarded socket; refuseLookup
      // makes any path that would still resolve the name fail instead.
      createConnection: () => socket,
      lookup: refuseLookup,
      host: checked.url.host,
      path: `${checked.url.pathname}${checked.url.search}`,
      method: 'POST',
      headers: {
        ...opts.headers,
        Host: checked.url.host,
        'Content-Type': 'application/json',
        'Content-Length': String(body.length),
        'User-Agent': 'mxray-webhook/1',
        Connection: 'close',
      },
    });
    const onAbort = () => {
      req.destroy();
      reject(new Stop('timeout', 'no answer within the time budget'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    req.once('response', (res) => {
      signal.removeEventListener('abort', onAbort);
      resolve(res);
    });
    req.once('error', (err: NodeJS.ErrnoException) => {
      signal.removeEventListener('abort', onAbort);
      reject(new Stop(signal.aborted ? 'timeout' : 'connect-failed', `${err.code ?? 'HTTP_ERROR'}: ${err.message}`));
    });
    req.end(body);
  });
}

/** Reads and discards the answer up to `cap` bytes: enough to let a short reply finish, never more. */
function drain(res: IncomingMessage, cap: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    let size = 0;
    const done = () => {
      signal.removeEventListener('abort', done);
      resolve();
    };
    signal.addEventListener('abort', done, { once: true });
    res.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > cap) {
        res.destroy();
        done();
      }
    });
    res.once('end', done);
    res.once('error', done);
    res.once('close', done);
  });
}
