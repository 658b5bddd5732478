/**
 * Reads an EHLO reply (RFC 5321 §4.1.1.1) into the schema's Ehlo. Keywords are compared whole, never
 * by substring: "X-STARTTLS-LIKE" or "8BITMIMEX" must not count as STARTTLS or 8BITMIME.
 */
import type { Capability, Ehlo, SmtpReply } from '@/lib/probe/schema';

const SIZE_PARAM = /^\d+$/;

/** Splits a capability line into its upper-cased keyword and its parameters as sent. */
export function parseCapabilityLine(line: string): Capability | undefined {
  const words = line.trim().split(/\s+/).filter((w) => w.length > 0);
  const [keyword, ...params] = words;
  if (keyword === undefined) return undefined;
  return { keyword: keyword.toUpperCase(), params };
}

/** RFC 1870: SIZE without a number, or SIZE 0, means "no fixed limit"; a garbled number is unknown. */
function parseSize(params: string[]): number | undefined {
  const value = params[0];
  if (value === undefined) return 0;
  if (!SIZE_PARAM.test(value)) return undefined;
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : undefined;
}

/**
 * Parses an EHLO (or, with heloFallback, a HELO) reply. A HELO reply announces no extensions, so its
 * further lines, if any, are not read as capabilities.
 */
export function parseEhlo(reply: SmtpReply, opts: { heloFallback?: boolean } = {}): Ehlo {
  const heloFallback = opts.heloFallback ?? false;
  const [first = '', ...rest] = reply.lines;
  const serverName = first.trim().split(/\s+/)[0] || undefined;

  const capabilities: Capability[] = [];
  if (!heloFallback) {
    for (const line of rest) {
      const cap = parseCapabilityLine(line);
      if (cap) capabilities.push(cap);
    }
  }

  const has = (keyword: string) => capabilities.some((c) => c.keyword === keyword);
  const auth: string[] = [];
  let size: number | undefined;
  for (const cap of capabilities) {
    // "AUTH=LOGIN PLAIN" is the pre-RFC 4954 form some servers still send beside "AUTH".
    const legacy = cap.keyword.startsWith('AUTH=') ? [cap.keyword.slice('AUTH='.length)] : undefined;
    if (cap.keyword === 'AUTH' || legacy) {
      for (const mech of [...(legacy ?? []), ...cap.params]) {
        const upper = mech.toUpperCase();
        if (upper.length > 0 && !auth.includes(upper)) auth.push(upper);
      }
    }
    if (cap.keyword === 'SIZE' && size === undefined) size = parseSize(cap.params);
  }

  return {
    reply,
    ...(serverName ? { serverName } : {}),
    capabilities,
    starttls: has('STARTTLS'),
    pipelining: has('PIPELINING'),
    eightBitMime: has('8BITMIME'),
    smtpUtf8: has('SMTPUTF8'),
    chunking: has('CHUNKING'),
    enhancedStatusCodes: has('ENHANCEDSTATUSCODES'),
    dsn: has('DSN'),
    requireTls: has('REQUIRETLS'),
    ...(size !== undefined ? { size } : {}),
    auth,
    heloFallback,
  };
}
