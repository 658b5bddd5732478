/**
 * Turns a socket's byte stream into SMTP replies. Pure: feed chunks with push(), take replies with
 * next(). Never assumes one read is one reply (sslyze's single recv is the bug to avoid): lines are
 * reassembled across chunks, multi-line replies (250-… 250 …) are joined, and several replies in one
 * chunk are queued. A hostile peer is bounded by byte and line caps; once the stream is judged
 * broken (too large, malformed, not SMTP) the reader stops parsing and reports that error for good.
 */
import type { ForeignProtocol, SmtpReply } from '@/lib/probe/schema';
import type { ProbeLimits } from '@/lib/probe/types';

export type ReplyReaderLimits = Pick<ProbeLimits, 'maxLineBytes' | 'maxReplyBytes' | 'maxReplyLines'>;

export type ReplyReaderErrorKind = 'reply-too-large' | 'protocol-error' | 'not-smtp';

export interface ReplyReaderError {
  kind: ReplyReaderErrorKind;
  message: string;
  /** the offending line or bytes, decoded visibly and shortened */
  excerpt?: string;
  /** not-smtp: the protocol recognised (HTTP, SSH, TLS, POP3, IMAP), when one was */
  protocol?: ForeignProtocol;
  /** reply-too-large: the cap that was exceeded, e.g. "2048 bytes per line" */
  limit?: string;
}

export type ReaderItem =
  | {
      kind: 'reply';
      reply: SmtpReply;
      /** each line as received, code included, for the transcript */
      raw: string[];
      /** when each line was complete: the `at` of the push that brought its end (undefined without one) */
      rawAt: (number | undefined)[];
    }
  | { kind: 'error'; error: ReplyReaderError };

const LF = 0x0a;
const CR = 0x0d;
const EXCERPT_CHARS = 120;
/** Enough bytes to recognise the usual non-SMTP first words (HTTP/, SSH-, * OK, TLS records). */
const SNIFF_BYTES = 8;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Bytes to text that is safe to show and store: UTF-8 when valid, otherwise latin1 (every byte maps
 * to one character, so nothing is lost); control characters become \xNN so NULs and stray CRs stay
 * visible instead of vanishing or corrupting a terminal.
 */
export function decodeVisible(bytes: Uint8Array): string {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  }
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\x00-\x08\x0a-\x1f\x7f-\x9f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

function excerpt(bytes: Uint8Array): string {
  const text = decodeVisible(bytes.subarray(0, EXCERPT_CHARS * 4));
  return text.length > EXCERPT_CHARS ? `${text.slice(0, EXCERPT_CHARS)}…` : text;
}

function startsWith(bytes: Uint8Array, prefix: string): boolean {
  if (bytes.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix.charCodeAt(i)) return false;
  return true;
}

const SIGNATURES: { test: (b: Uint8Array) => boolean; protocol: ForeignProtocol; what: string }[] = [
  { test: (b) => startsWith(b, 'HTTP/'), protocol: 'HTTP', what: 'an HTTP response' },
  { test: (b) => startsWith(b, 'SSH-'), protocol: 'SSH', what: 'an SSH banner' },
  { test: (b) => b[0] === 0x16 && b[1] === 0x03, protocol: 'TLS', what: 'a TLS handshake record' },
  { test: (b) => b[0] === 0x15 && b[1] === 0x03, protocol: 'TLS', what: 'a TLS alert record' },
  { test: (b) => startsWith(b, '+OK') || startsWith(b, '-ERR'), protocol: 'POP3', what: 'a POP3 greeting' },
  { test: (b) => startsWith(b, '* OK') || startsWith(b, '* PREAUTH') || startsWith(b, '* BYE'), protocol: 'IMAP', what: 'an IMAP greeting' },
];

/** Names the protocol a non-SMTP peer most likely speaks; undefined for unrecognised bytes. */
export function sniffProtocol(bytes: Uint8Array): { protocol: ForeignProtocol; what: string } | undefined {
  const hit = SIGNATURES.find((s) => s.test(bytes));
  return hit ? { protocol: hit.protocol, what: hit.what } : undefined;
}

const isDigit = (b: number | undefined) => b !== undefined && b >= 0x30 && b <= 0x39;

/** Whether the start of a line can still become a valid reply line ("250", "250 …", "250-…"). */
function plausibleLineStart(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 3);
  for (let i = 0; i < n; i++) if (!isDigit(bytes[i])) return false;
  if (bytes.length > 3) {
    const sep = bytes[3];
    return sep === 0x20 || sep === 0x2d || sep === CR || sep === LF;
  }
  return true;
}

const ENHANCED = /^([245])\.(\d{1,3})\.(\d{1,3})(?=\s|$)/;

export class ReplyReader {
  private remainder: Buffer = Buffer.alloc(0);
  private current: { code: number; lines: string[]; raw: string[]; rawAt: (number | undefined)[]; bytes: number } | undefined;
  /** the `at` of the push being parsed */
  private pushAt: number | undefined;
  private queue: { item: ReaderItem; bytes: number }[] = [];
  private queuedBytes = 0;
  private failed: ReplyReaderError | undefined;
  /** once any valid reply line arrived, garbage is a protocol error rather than "not SMTP" */
  private sawSmtp = false;
  private bytesIn = 0;

  constructor(private readonly limits: ReplyReaderLimits) {}

  /** Total bytes ever pushed (a silent peer and a slow one are different findings). */
  get bytesReceived(): number {
    return this.bytesIn;
  }

  /**
   * Feeds received bytes. `at` (the caller's clock, e.g. ms since connect) stamps the lines this
   * chunk completes: a multi-line reply can take seconds (postscreen's "220-" … pause … "220 "),
   * and the transcript must show when each line came, not when the whole reply did.
   */
  push(chunk: Uint8Array, at?: number): void {
    this.bytesIn += chunk.length;
    if (this.failed) return;
    this.pushAt = at;
    this.remainder = this.remainder.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.remainder, chunk]);
    let start = 0;
    for (;;) {
      const lf = this.remainder.indexOf(LF, start);
      if (lf < 0) break;
      const end = lf > start && this.remainder[lf - 1] === CR ? lf - 1 : lf;
      this.acceptLine(this.remainder.subarray(start, end));
      start = lf + 1;
      if (this.failed) break;
    }
    this.remainder = this.failed ? Buffer.alloc(0) : Buffer.from(this.remainder.subarray(start));
    if (!this.failed) this.checkPartialLine();
  }

  /** The next complete reply, or the error that ended the stream; undefined while incomplete. */
  next(): ReaderItem | undefined {
    const queued = this.queue.shift();
    if (queued) {
      this.queuedBytes -= queued.bytes;
      return queued.item;
    }
    return this.failed ? { kind: 'error', error: this.failed } : undefined;
  }

  /**
   * Discards everything buffered: queued replies, a partial reply, a partial line and any error they
   * caused. Used right after STARTTLS's 220 (RFC 3207 §6): bytes the server sent before the TLS
   * handshake must not be read as if they came through TLS. Returns what was dropped, visibly.
   */
  reset(): string {
    const dropped: string[] = [];
    for (const { item } of this.queue) if (item.kind === 'reply') dropped.push(...item.raw);
    if (this.current) dropped.push(...this.current.raw);
    if (this.failed?.excerpt) dropped.push(this.failed.excerpt);
    if (this.remainder.length > 0) dropped.push(decodeVisible(this.remainder));
    this.queue = [];
    this.queuedBytes = 0;
    this.current = undefined;
    this.failed = undefined;
    this.remainder = Buffer.alloc(0);
    return dropped.join('\\r\\n');
  }

  /** Bytes of a reply still being received, shown in a timeout note. */
  pendingText(): string {
    const parts = [...(this.current?.raw ?? [])];
    if (this.remainder.length > 0) parts.push(decodeVisible(this.remainder));
    return parts.join('\\r\\n');
  }

  private fail(kind: ReplyReaderErrorKind, message: string, bytes?: Uint8Array, extra: Partial<ReplyReaderError> = {}): void {
    this.failed = { kind, message, ...(bytes ? { excerpt: excerpt(bytes) } : {}), ...extra };
    this.current = undefined;
  }

  private tooLarge(limit: string, bytes: Uint8Array): void {
    this.fail('reply-too-large', `the server exceeded ${limit}`, bytes, { limit });
  }

  private garbage(bytes: Uint8Array): void {
    if (this.sawSmtp) return this.fail('protocol-error', 'a reply line without a 3-digit code', bytes);
    const sniffed = sniffProtocol(bytes);
    const what = sniffed?.what ?? 'bytes that are not an SMTP reply';
    this.fail('not-smtp', `the server sent ${what}, not an SMTP greeting`, bytes, sniffed ? { protocol: sniffed.protocol } : {});
  }

  /** Judges a line before its end arrives, so a flood without newlines is named for what it is. */
  private checkPartialLine(): void {
    const rem = this.remainder;
    if (rem.length >= SNIFF_BYTES && !plausibleLineStart(rem)) return this.garbage(rem);
    if (rem.length > this.limits.maxLineBytes) return this.tooLarge(`${this.limits.maxLineBytes} bytes per line`, rem);
    const pending = (this.current?.bytes ?? 0) + rem.length;
    // Replies nobody has read yet count too: a peer must not fill memory with unsolicited ones.
    if (this.queuedBytes + pending > this.limits.maxReplyBytes) this.tooLarge(`${this.limits.maxReplyBytes} bytes per reply`, rem);
  }

  private acceptLine(bytes: Uint8Array): void {
    if (bytes.length > this.limits.maxLineBytes) return this.tooLarge(`${this.limits.maxLineBytes} bytes per line`, bytes);
    const sep = bytes[3];
    const wellFormed =
      bytes.length >= 3 &&
      isDigit(bytes[0]) &&
      isDigit(bytes[1]) &&
      isDigit(bytes[2]) &&
      (sep === undefined || sep === 0x20 || sep === 0x2d);
    if (!wellFormed) return this.garbage(bytes);

    const code = Number(String.fromCharCode(bytes[0]!, bytes[1]!, bytes[2]!));
    const last = sep !== 0x2d;
    const raw = decodeVisible(bytes);
    // The text after "250 " / "250-": the first four bytes are ASCII and never escaped, and the rest
    // decodes the same alone (valid UTF-8 after an ASCII prefix, or latin1 for both), so it is the
    // line's own decoding minus four characters: one decode per line, not two.
    const text = raw.slice(4);
    this.sawSmtp = true;

    const reply = this.current ?? { code, lines: [], raw: [], rawAt: [], bytes: 0 };
    if (reply.code !== code) {
      return this.fail('protocol-error', `the reply code changed from ${reply.code} to ${code} inside a multi-line reply`, bytes);
    }
    reply.lines.push(text);
    reply.raw.push(raw);
    reply.rawAt.push(this.pushAt);
    reply.bytes += bytes.length + 2;
    if (reply.lines.length > this.limits.maxReplyLines) return this.tooLarge(`${this.limits.maxReplyLines} lines per reply`, bytes);
    if (this.queuedBytes + reply.bytes > this.limits.maxReplyBytes) return this.tooLarge(`${this.limits.maxReplyBytes} bytes per reply`, bytes);
    if (!last) {
      this.current = reply;
      return;
    }
    this.current = undefined;
    const enhanced = ENHANCED.exec(reply.lines[0] ?? '');
    const done: SmtpReply = {
      code,
      ...(enhanced && enhanced[1] === String(code)[0] ? { enhanced: enhanced[0] } : {}),
      lines: reply.lines,
    };
    this.queue.push({ item: { kind: 'reply', reply: done, raw: reply.raw, rawAt: reply.rawAt }, bytes: reply.bytes });
    this.queuedBytes += reply.bytes;
  }
}
