/**
 * One SMTP connection as the probe drives it: a socket (plain, then maybe TLS), a ReplyReader over
 * its bytes and the transcript. It only ever writes when asked to, so the probe decides when it is
 * safe to speak (never before the greeting's last line).
 */
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { SmtpReply } from '@/lib/probe/schema';
import { waitWithDeadline, type Deadline, type WaitInterrupt } from '@/lib/probe/net/deadline';
import { ReplyReader, type ReaderItem, type ReplyReaderError, type ReplyReaderLimits } from './reply-reader';
import type { Transcript } from './transcript';

export type ReadFailure =
  | { kind: 'interrupted'; interrupted: WaitInterrupt }
  | { kind: 'closed'; code: string; message: string }
  | { kind: 'reader'; error: ReplyReaderError };

/**
 * Commands that would hand the server a message. mxray never sends mail: the session refuses to
 * write them at all, whatever a caller asks (the relay test stops at RCPT TO, then RSET).
 */
const MESSAGE_VERBS = new Set(['DATA', 'BDAT']);

/** Thrown for a command the session will never write: a bug on our side, never a server's fault. */
export class ForbiddenCommandError extends Error {}

export type ReadResult = { ok: true; reply: SmtpReply } | { ok: false; failure: ReadFailure };

type Listeners = { data: (b: Buffer) => void; error: (e: NodeJS.ErrnoException) => void; end: () => void };

export class SmtpSession {
  private socket: Socket;
  private readonly reader: ReplyReader;
  private closed: { code: string; message: string } | undefined;
  private waiter: ((item: ReaderItem | { closed: { code: string; message: string } }) => void) | undefined;
  private listeners: Listeners | undefined;

  constructor(
    socket: Socket,
    limits: ReplyReaderLimits,
    private readonly transcript: Transcript,
  ) {
    this.reader = new ReplyReader(limits);
    this.socket = socket;
    this.attach(socket);
  }

  get bytesReceived(): number {
    return this.reader.bytesReceived;
  }

  /** The peer has not closed or reset the connection. */
  get open(): boolean {
    return this.closed === undefined && !this.socket.destroyed;
  }

  /** Waits for the next whole reply; records its lines in the transcript. */
  async readReply(deadline: Deadline, signal?: AbortSignal): Promise<ReadResult> {
    const item = await waitWithDeadline<ReaderItem | { closed: { code: string; message: string } }>(
      { deadline, ...(signal ? { signal } : {}) },
      (done) => {
        this.waiter = done;
        this.pump();
        return () => {
          this.waiter = undefined;
        };
      },
    );
    if ('interrupted' in item) {
      const pending = this.reader.pendingText();
      this.transcript.add('i', `no complete reply (${item.interrupted})${pending ? `; received so far: ${pending}` : ''}`);
      return { ok: false, failure: { kind: 'interrupted', interrupted: item.interrupted } };
    }
    if ('closed' in item) {
      this.transcript.add('i', `connection closed by the server: ${item.closed.message}`);
      return { ok: false, failure: { kind: 'closed', ...item.closed } };
    }
    if (item.kind === 'error') {
      const excerpt = item.error.excerpt ? `: ${item.error.excerpt}` : '';
      this.transcript.add('i', `${item.error.message}${excerpt}`);
      return { ok: false, failure: { kind: 'reader', error: item.error } };
    }
    // Each line at the time it arrived: the pause inside a multi-line greeting stays visible.
    item.raw.forEach((line, i) => this.transcript.add('s', line, item.rawAt[i]));
    return { ok: true, reply: item.reply };
  }

  /** QUIT went out: the conversation is over whatever else happens. */
  quitSent = false;

  /**
   * Sends one command line. Returns false when the connection is already gone. Throws
   * ForbiddenCommandError, before writing anything, for DATA/BDAT and for a line that would smuggle
   * a second command (CR or LF inside).
   */
  send(line: string): boolean {
    const verb = (/^\s*(\S*)/.exec(line)?.[1] ?? '').toUpperCase();
    if (MESSAGE_VERBS.has(verb)) throw new ForbiddenCommandError(`mxray never sends ${verb}: no message may ever be transmitted`);
    if (/[\r\n\0]/.test(line)) throw new ForbiddenCommandError('a command line may not contain CR, LF or NUL');
    if (!this.open || !this.socket.writable) return false;
    if (line === 'QUIT') this.quitSent = true;
    this.transcript.add('c', line);
    this.socket.write(`${line}\r\n`);
    return true;
  }

  /**
   * Hands the plain socket over for a TLS handshake after STARTTLS's 220, first dropping whatever
   * the server sent after that 220 (RFC 3207 §6: it did not come through TLS and must not be
   * believed). The drop is noted in the transcript.
   */
  detachForTls(): Socket {
    const dropped = this.reader.reset();
    if (dropped) this.transcript.add('i', `discarded data the server sent before the TLS handshake (RFC 3207 §6): ${dropped}`);
    this.detach();
    return this.socket;
  }

  /** Continues the conversation over the TLS socket that wraps the detached one. */
  attachTls(tls: TLSSocket): void {
    this.socket = tls;
    this.attach(tls);
  }

  /** Stops reading; the sockets themselves belong to the probe run, which ends them. */
  release(): void {
    this.detach();
  }

  private attach(socket: Socket): void {
    // Errors can still arrive after we stop listening (e.g. a reset during close); they are
    // expected and must not become uncaught exceptions.
    socket.on('error', () => {});
    const listeners: Listeners = {
      data: (chunk) => {
        this.reader.push(chunk, this.transcript.now());
        this.pump();
      },
      error: (err) => this.markClosed(err.code ?? 'ECONNRESET', err.message),
      end: () => this.markClosed('EOF', 'the server closed the connection'),
    };
    socket.on('data', listeners.data);
    socket.on('error', listeners.error);
    socket.on('end', listeners.end);
    socket.on('close', listeners.end);
    this.listeners = listeners;
  }

  private detach(): void {
    const l = this.listeners;
    if (!l) return;
    this.socket.off('data', l.data);
    this.socket.off('error', l.error);
    this.socket.off('end', l.end);
    this.socket.off('close', l.end);
    this.listeners = undefined;
  }

  private markClosed(code: string, message: string): void {
    // The first reason wins: an ECONNRESET explains the 'close' that follows it.
    this.closed ??= { code, message };
    this.pump();
  }

  private pump(): void {
    if (!this.waiter) return;
    const item = this.reader.next();
    if (item) this.waiter(item);
    else if (this.closed) this.waiter({ closed: this.closed });
  }
}
