/**
 * Each received line is stamped when it arrived, not when its reply was complete. Found against real
 * postscreen: "220-" comes at once and "220 " after the greet wait, yet the transcript showed both
 * lines at the end of the pause (tests/interop/postscreen.test.ts).
 */
import type { Socket } from 'node:net';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ReplyReader } from '@/lib/probe/smtp/reply-reader';
import { SmtpSession } from '@/lib/probe/smtp/smtp-session';
import { Transcript } from '@/lib/probe/smtp/transcript';
import { DEFAULT_LIMITS } from '@/lib/probe/types';

describe('line arrival times', () => {
  it('the reader stamps each line of a multi-line reply with the push that completed it', () => {
    const reader = new ReplyReader(DEFAULT_LIMITS);
    reader.push(Buffer.from('220-mx.test postscreen\r\n'), 3);
    expect(reader.next()).toBeUndefined();
    reader.push(Buffer.from('220 mx.test ES'), 6_001);
    reader.push(Buffer.from('MTP\r\n'), 6_002);
    const item = reader.next();
    expect(item?.kind === 'reply' && item.rawAt).toEqual([3, 6_002]);
  });

  it('lines pushed without a time carry none', () => {
    const reader = new ReplyReader(DEFAULT_LIMITS);
    reader.push(Buffer.from('250 ok\r\n'));
    const item = reader.next();
    expect(item?.kind === 'reply' && item.rawAt).toEqual([undefined]);
  });

  it('the session’s transcript keeps the pause between "220-" and "220 "', async () => {
    let clock = 0;
    const transcript = new Transcript(50, () => clock);
    const socket = new PassThrough();
    const session = new SmtpSession(socket as unknown as Socket, DEFAULT_LIMITS, transcript);
    const reading = session.readReply({ at: Number.POSITIVE_INFINITY, byBudget: false, now: () => clock });
    clock = 2;
    socket.write('220-mx.test postscreen\r\n');
    await new Promise((r) => setImmediate(r));
    clock = 6_000;
    socket.write('220 mx.test ESMTP\r\n');
    const res = await reading;
    expect(res.ok && res.reply.lines).toEqual(['mx.test postscreen', 'mx.test ESMTP']);
    expect(transcript.entries).toEqual([
      { t: 2, dir: 's', text: '220-mx.test postscreen' },
      { t: 6_000, dir: 's', text: '220 mx.test ESMTP' },
    ]);
  });
});
