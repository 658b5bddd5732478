/**
 * RFC 3207 §6: whatever the server sent after STARTTLS's 220 and before the handshake did not come
 * through TLS and must not be believed. SmtpSession.detachForTls drops it; the first reply read on
 * the TLS side must be one that came through TLS. Streams stand in for the two sockets.
 */
import type { Socket } from 'node:net';
import { PassThrough } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { describe, expect, it } from 'vitest';
import type { Deadline } from '@/lib/probe/net/deadline';
import { SmtpSession } from '@/lib/probe/smtp/smtp-session';
import { Transcript } from '@/lib/probe/smtp/transcript';
import { DEFAULT_LIMITS } from '@/lib/probe/types';

const noDeadline: Deadline = { at: Number.POSITIVE_INFINITY, byBudget: false, now: () => 0 };
const tick = () => new Promise((r) => setImmediate(r));

function session() {
  const transcript = new Transcript(50, () => 0);
  const plain = new PassThrough();
  const s = new SmtpSession(plain as unknown as Socket, DEFAULT_LIMITS, transcript);
  return { s, plain, transcript };
}

describe('SmtpSession.detachForTls (STARTTLS response injection)', () => {
  it('drops a reply injected after the 220 and reads the first reply sent through TLS', async () => {
    const { s, plain, transcript } = session();
    // The 220 and a forged EHLO answer arrive in one segment, before any handshake.
    plain.write('220 2.0.0 Ready to start TLS\r\n250-forged.test\r\n250 AUTH PLAIN\r\n');
    await tick();
    const ready = await s.readReply(noDeadline);
    expect(ready.ok && ready.reply.code).toBe(220);

    expect(s.detachForTls()).toBe(plain);
    const secure = new PassThrough();
    s.attachTls(secure as unknown as TLSSocket);
    const reading = s.readReply(noDeadline);
    secure.write('250-mx.example.test\r\n250 STARTTLS\r\n');
    const res = await reading;
    expect(res.ok && res.reply.lines).toEqual(['mx.example.test', 'STARTTLS']);
    const notes = transcript.entries.filter((e) => e.dir === 'i').map((e) => e.text);
    expect(notes).toEqual([
      'discarded data the server sent before the TLS handshake (RFC 3207 §6): 250-forged.test\\r\\n250 AUTH PLAIN',
    ]);
  });

  it('drops a partial line too, so it cannot prefix the first TLS line', async () => {
    const { s, plain } = session();
    plain.write('220 go ahead\r\n250-inj');
    await tick();
    expect((await s.readReply(noDeadline)).ok).toBe(true);
    s.detachForTls();
    const secure = new PassThrough();
    s.attachTls(secure as unknown as TLSSocket);
    const reading = s.readReply(noDeadline);
    secure.write('250 mx.example.test\r\n');
    const res = await reading;
    expect(res.ok && res.reply.lines).toEqual(['mx.example.test']);
  });

  it('stops listening to the plain socket once detached', async () => {
    const { s, plain, transcript } = session();
    plain.write('220 go ahead\r\n');
    await tick();
    await s.readReply(noDeadline);
    s.detachForTls();
    plain.write('250 late plaintext\r\n');
    await tick();
    const secure = new PassThrough();
    s.attachTls(secure as unknown as TLSSocket);
    const reading = s.readReply(noDeadline);
    secure.write('250 through tls\r\n');
    expect((await reading).ok && transcript.entries.at(-1)?.text).toBe('250 through tls');
  });

  it('notes nothing when nothing was sent early', async () => {
    const { s, plain, transcript } = session();
    plain.write('220 go ahead\r\n');
    await tick();
    await s.readReply(noDeadline);
    s.detachForTls();
    expect(transcript.entries.filter((e) => e.dir === 'i')).toEqual([]);
  });
});
