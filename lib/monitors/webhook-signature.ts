/**
 * Webhook signatures: `Mxray-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>` over
 * "<t>.<raw body>" with the monitor's secret, the scheme Stripe popularised. Signing the timestamp
 * with the body lets a receiver refuse replays older than a tolerance; several v1 values may appear
 * while a secret is rotated. Receivers verify with VERIFY_SNIPPET (or verifySignature below).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'Mxray-Signature';

/** Five minutes: long enough for clock skew and retries in flight, short enough to bound replays. */
export const DEFAULT_TOLERANCE_SEC = 300;

function mac(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex');
}

export function signatureHeader(secret: string, body: string, timestampSec: number): string {
  return `t=${timestampSec},v1=${mac(secret, timestampSec, body)}`;
}

export type VerifyResult = { ok: true; timestamp: number } | { ok: false; reason: 'malformed' | 'too-old' | 'mismatch' };

/** Verifies a header against the raw body bytes as received (before any JSON parsing). */
export function verifySignature(opts: { header: string; body: string; secret: string; nowSec: number; toleranceSec?: number }): VerifyResult {
  const parts = opts.header.split(',').map((p) => p.trim().split('='));
  const t = parts.find(([k]) => k === 't')?.[1];
  const sigs = parts.filter(([k, v]) => k === 'v1' && v !== undefined && /^[0-9a-f]{64}$/.test(v)).map(([, v]) => v!);
  if (t === undefined || !/^\d{1,12}$/.test(t) || sigs.length === 0) return { ok: false, reason: 'malformed' };
  const timestamp = Number(t);
  if (Math.abs(opts.nowSec - timestamp) > (opts.toleranceSec ?? DEFAULT_TOLERANCE_SEC)) return { ok: false, reason: 'too-old' };
  const expected = Buffer.from(mac(opts.secret, timestamp, opts.body), 'hex');
  const match = sigs.some((s) => timingSafeEqual(Buffer.from(s, 'hex'), expected));
  return match ? { ok: true, timestamp } : { ok: false, reason: 'mismatch' };
}

/** The snippet's one comment, in English; the API docs put it in the page's language (verifySnippet). */
export const VERIFY_SNIPPET_COMMENT = 'rawBody: the request body exactly as received (a string), before JSON.parse.';

/** What the API docs show receivers, with its comment in the reader's language. */
export function verifySnippet(comment: string = VERIFY_SNIPPET_COMMENT): string {
  return VERIFY_SNIPPET.replace(`// ${VERIFY_SNIPPET_COMMENT}`, `// ${comment}`);
}

/** What the API docs show receivers: Node, no dependency. Kept here so a test runs it verbatim. */
export const VERIFY_SNIPPET = `import { createHmac, timingSafeEqual } from 'node:crypto';

// ${VERIFY_SNIPPET_COMMENT}
export function verifyMxray(rawBody, header, secret, toleranceSec = 300) {
  const fields = Object.fromEntries(header.split(',').map((p) => p.trim().split('=')));
  const t = Number(fields.t);
  if (!Number.isInteger(t) || Math.abs(Date.now() / 1000 - t) > toleranceSec) return false;
  const expected = createHmac('sha256', secret).update(\`\${t}.\${rawBody}\`).digest();
  const given = Buffer.from(fields.v1 ?? '', 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
`;
