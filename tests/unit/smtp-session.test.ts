/**
 * SmtpSession at unit level, a PassThrough standing in for the socket: every way a read ends
 * (a reply, the deadline, the budget, an abort, the peer closing or resetting, a reader error),
 * what goes into the transcript for each, sending, and letting go of a socket.
 */
import type { Socket } from 'node:net';
import { PassThrough } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Deadline } from '@/lib/probe/net/deadline';
import { SmtpSession } from '@/lib/probe/smtp/smtp-session';
import { Transcript } from '@/lib/probe/smtp/transcript';
import { DEFAULT_LIMITS } from '@/lib/probe/types';

afterEach(() => {
  vi.useRealTimers();
});

const never: Deadline = { at: Number.POSITIVE_INFINITY, byBudget: false, now: () => 0 };
const tick = () => new Promise((r) => setImmediate(r));

function open(limits = DEFAULT_LIMITS) {
  const transcript = new Transcript(50, () => 7);
  const socket = new PassThrough();
  const session = new SmtpSession(socket as unknown as Socket, limits, transcript);
  const notes = () => transcript.entries.filter((e) => e.dir === 'i').map((e) => e.text);
  return { session, socket, transcript, notes };
}

describe('SmtpSession.readReply', () => {
  it('returns a reply and records each line as sent by the server', async () => {
    const { session, socket, transcript } = open();
    const reading = session.readReply(never);
    socket.write('250-mx.test\r\n250 OK\r\n');
    expect(await reading).toEqual({ ok: true, reply: { code: 250, lines: ['mx.test', 'OK'] } });
    expect(transcript.entries).toEqual([
      { t: 7, dir: 's', text: '250-mx.test' },
      { t: 7, dir: 's', text: '250 OK' },
    ]);
    expect(session.bytesReceived).toBe(21);
  });

  it('at the deadline: interrupted, with what was received so far', async () => {
    vi.useFakeTimers();
    const { session, socket, notes } = open();
    const reading = session.readReply({ at: 100, byBudget: false, now: () => 0 });
    socket.write('220-partial\r\n220 no en');
    await vi.advanceTimersByTimeAsync(100);
    expect(await reading).toEqual({ ok: false, failure: { kind: 'interrupted', interrupted: 'timeout' } });
    expect(notes()).toEqual(['no complete reply (timeout); received so far: 220-partial\\r\\n220 no en']);
  });

  it('at the budget, with nothing received: says only that', async () => {
    vi.useFakeTimers();
    const { session, notes } = open();
    const reading = session.readReply({ at: 50, byBudget: true, now: () => 0 });
    await vi.advanceTimersByTimeAsync(50);
    expect(await reading).toEqual({ ok: false, failure: { kind: 'interrupted', interrupted: 'budget' } });
    expect(notes()).toEqual(['no complete reply (budget)']);
  });

  it('on abort: interrupted as aborted', async () => {
    const { session } = open();
    const c = new AbortController();
    const reading = session.readReply(never, c.signal);
    c.abort();
    expect(await reading).toEqual({ ok: false, failure: { kind: 'interrupted', interrupted: 'aborted' } });
  });

  it('when the server ends the connection: closed, EOF', async () => {
    const { session, socket, notes } = open();
    const reading = session.readReply(never);
    socket.end();
    expect(await reading).toEqual({ ok: false, failure: { kind: 'closed', code: 'EOF', message: 'the server closed the connection' } });
    expect(notes()).toEqual(['connection closed by the server: the server closed the connection']);
    expect(session.open).toBe(false);
  });

  it('a reset is the reason kept, not the close that follows it', async () => {
    const { session, socket } = open();
    expect(session.open).toBe(true);
    const reading = session.readReply(never);
    socket.destroy(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }));
    expect(await reading).toEqual({ ok: false, failure: { kind: 'closed', code: 'ECONNRESET', message: 'read ECONNRESET' } });
    expect(session.open).toBe(false);
  });

  it('an error without a code counts as a reset', async () => {
    const { session, socket } = open();
    const reading = session.readReply(never);
    socket.destroy(new Error('boom'));
    expect(await reading).toEqual({ ok: false, failure: { kind: 'closed', code: 'ECONNRESET', message: 'boom' } });
  });

  it('replies already received are read before the close is reported', async () => {
    const { session, socket } = open();
    socket.end('221 bye\r\n');
    await tick();
    await tick();
    expect(await session.readReply(never)).toEqual({ ok: true, reply: { code: 221, lines: ['bye'] } });
    expect((await session.readReply(never)).ok).toBe(false);
  });

  it('a reader error is a failure, noted with its excerpt', async () => {
    const { session, socket, notes } = open();
    const reading = session.readReply(never);
    socket.write('HTTP/1.1 400 Bad Request\r\n');
    const res = await reading;
    expect(res.ok === false && res.failure.kind === 'reader' && res.failure.error.kind).toBe('not-smtp');
    expect(notes()).toHaveLength(1);
    expect(notes()[0]).toMatch(/^the server sent .*HTTP.*: HTTP\/1\.1 400 Bad Request$/);
  });

  it('a reader error without an excerpt is noted alone', async () => {
    const { session, socket, notes } = open();
    const reading = session.readReply(never);
    socket.write('250-a\r\n251 b\r\n');
    const res = await reading;
    expect(res.ok === false && res.failure.kind === 'reader' && res.failure.error.kind).toBe('protocol-error');
    expect(notes()).toEqual(['the reply code changed from 250 to 251 inside a multi-line reply: 251 b']);
  });

  it('stops waiting once the read is over: later bytes wait for the next read', async () => {
    vi.useFakeTimers();
    const { session, socket, transcript } = open();
    const first = session.readReply({ at: 10, byBudget: false, now: () => 0 });
    await vi.advanceTimersByTimeAsync(10);
    expect((await first).ok).toBe(false);
    socket.write('250 later\r\n');
    await vi.advanceTimersByTimeAsync(0);
    expect(transcript.entries.some((e) => e.dir === 's')).toBe(false);
    expect(await session.readReply(never)).toEqual({ ok: true, reply: { code: 250, lines: ['later'] } });
  });
});

describe('SmtpSession.send', () => {
  it('writes the line with CRLF, records it, and remembers QUIT', async () => {
    const { session, socket, transcript } = open();
    const written: string[] = [];
    socket.on('data', (b: Buffer) => written.push(b.toString()));
    expect(session.send('EHLO probe.test')).toBe(true);
    expect(session.quitSent).toBe(false);
    expect(session.send('QUIT')).toBe(true);
    expect(session.quitSent).toBe(true);
    await tick();
    expect(written.join('')).toContain('EHLO probe.test\r\nQUIT\r\n');
    expect(transcript.entries.filter((e) => e.dir === 'c').map((e) => e.text)).toEqual(['EHLO probe.test', 'QUIT']);
  });

  it('refuses to send once the server has closed, or the socket is no longer writable', async () => {
    const a = open();
    const reading = a.session.readReply(never);
    a.socket.end();
    await reading;
    expect(a.session.send('QUIT')).toBe(false);
    expect(a.session.quitSent).toBe(false);
    expect(a.transcript.entries.some((e) => e.dir === 'c')).toBe(false);

    const b = open();
    b.socket.end(); // our side finished writing; the peer has not closed yet
    expect(b.session.open).toBe(true);
    expect(b.session.send('NOOP')).toBe(false);
  });

  it('refuses to send on a destroyed socket', () => {
    const { session, socket } = open();
    socket.destroy();
    expect(session.open).toBe(false);
    expect(session.send('NOOP')).toBe(false);
  });
});

describe('SmtpSession letting go of sockets', () => {
  it('after release, the socket’s data, end and errors are no longer read', async () => {
    const { session, socket } = open();
    session.release();
    socket.write('250 ignored\r\n');
    socket.emit('error', Object.assign(new Error('late reset'), { code: 'ECONNRESET' }));
    await tick();
    expect(session.bytesReceived).toBe(0);
    expect(session.open).toBe(true);
    expect(socket.listenerCount('data')).toBe(0);
    expect(socket.listenerCount('end')).toBe(0);
    expect(socket.listenerCount('close')).toBe(0);
    // the no-op error handler stays: a late error must not become an uncaught exception
    expect(socket.listenerCount('error')).toBe(1);
    session.release(); // twice is harmless
  });

  it('after STARTTLS, the plain socket ending does not close the TLS conversation', async () => {
    const { session, socket } = open();
    session.detachForTls();
    const tls = new PassThrough();
    session.attachTls(tls as unknown as TLSSocket);
    socket.end();
    socket.emit('close');
    await tick();
    expect(session.open).toBe(true);
    const reading = session.readReply(never);
    tls.write('250 over tls\r\n');
    expect(await reading).toEqual({ ok: true, reply: { code: 250, lines: ['over tls'] } });
    tls.emit('close');
    expect(session.open).toBe(false);
  });
});
