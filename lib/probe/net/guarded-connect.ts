/**
 * The SSRF guard in front of every connection the engine opens. A probe target comes from DNS that
 * anyone can publish, so an MX may point at 127.0.0.1, 10.0.0.5 or a cloud metadata address; the
 * policy decides, and nothing is resolved or sent before it has said yes.
 */
import { connect as netConnect, isIP, type Socket } from 'node:net';
import type { LookupFunction } from 'node:net';
import type { AddressPolicy, AddressPolicyResult, ConnectFn } from '@/lib/probe/types';

import type { ConnectRefusalReason } from '@/lib/probe/schema';

export type { ConnectRefusalReason };

export interface ConnectRefusal {
  reason: ConnectRefusalReason;
  message: string;
  /** the policy's verdict, when it was consulted */
  policy?: AddressPolicyResult;
}

export type GuardedConnectResult =
  | { ok: true; socket: Socket; policy: AddressPolicyResult }
  | { ok: false; refusal: ConnectRefusal };

/**
 * Stands in for DNS inside net.connect: Node skips lookup for IP literals, so this only ever runs if
 * a name slipped through, and then it must fail rather than resolve it.
 */
export const refuseLookup: LookupFunction = (hostname, _options, callback) => {
  const err: NodeJS.ErrnoException = new Error(`refusing to resolve ${JSON.stringify(hostname)}: only IP literals are connected to`);
  err.code = 'ENOTIPLITERAL';
  callback(err, '', 4);
};

/** The default ConnectFn: a plain TCP connect to an IP literal that can never resolve a name. */
export const connectIpLiteral: ConnectFn = ({ address, port, family }) =>
  netConnect({ host: address, port, family, lookup: refuseLookup });

/**
 * The same connect, leaving from a given local address (PROBE_SOURCE_ADDRESS: a worker's vantage
 * on a multi-homed machine). Only connections of the source's own family are bound; the others
 * leave from wherever the system routes them.
 */
export function connectFromSource(sourceAddress: string): ConnectFn {
  const sourceFamily = isIP(sourceAddress);
  if (sourceFamily === 0) throw new Error(`${JSON.stringify(sourceAddress)} is not an IP address literal`);
  return ({ address, port, family }) =>
    netConnect({ host: address, port, family, lookup: refuseLookup, ...(family === sourceFamily ? { localAddress: sourceAddress } : {}) });
}

export interface GuardedConnectOptions {
  address: string;
  port: number;
  family: 4 | 6;
  policy: AddressPolicy;
  /** the raw connector used once the guard has passed; defaults to connectIpLiteral */
  connect?: ConnectFn;
}

/**
 * Checks the address, then connects. A refusal is a value, not a throw: the probe reports it as
 * 'blocked-target'. The returned socket is still connecting; the caller owns its timeout.
 */
export function guardedConnect(opts: GuardedConnectOptions): GuardedConnectResult {
  const { address, port, family, policy } = opts;
  const literalFamily = isIP(address);
  if (literalFamily === 0) {
    return { ok: false, refusal: { reason: 'not-ip-literal', message: `${JSON.stringify(address)} is not an IP address literal` } };
  }
  if (literalFamily !== family) {
    return {
      ok: false,
      refusal: { reason: 'family-mismatch', message: `${address} is an IPv${literalFamily} address, not IPv${family}` },
    };
  }
  const verdict = policy(address);
  if (!verdict.allowed) {
    const range = verdict.range ? ` (${verdict.range})` : '';
    return { ok: false, refusal: { reason: 'policy', message: `${address}${range} may not be probed`, policy: verdict } };
  }
  const socket = (opts.connect ?? connectIpLiteral)({ address, port, family });
  return { ok: true, socket, policy: verdict };
}
