import { describe, expect, it } from 'vitest';
import { decodeVisible, ReplyReader } from '@/lib/probe/smtp/reply-reader';

const limits = { maxLineBytes: 4096, maxReplyBytes: 1 << 20, maxReplyLines: 1000 };

/** A deterministic stream of bytes (xorshift), so a failure reproduces. */
function rng(seed: number) {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

describe('a reply line is decoded once', () => {
  it("gives each line's text as the decoding of the bytes after its code and separator", () => {
    const r = rng(11);
    // UTF-8 text, invalid UTF-8, control bytes, a sequence cut by the line's end, and empty lines
    const pieces = [Buffer.from('héllo ✓ '), Buffer.from([0xe9, 0xff]), Buffer.from([0x00, 0x1b, 0x7f, 0x85]), Buffer.from([0xe2, 0x9c]), Buffer.from('plain')];
    for (let n = 0; n < 300; n++) {
      const body = Buffer.concat(Array.from({ length: Math.floor(r() * 6) }, () => pieces[Math.floor(r() * pieces.length)]!));
      const lines = [Buffer.concat([Buffer.from('250-'), body]), Buffer.from('250-'), Buffer.concat([Buffer.from('250 '), body.subarray(0, Math.floor(body.length / 2))])];
      const reader = new ReplyReader(limits);
      reader.push(Buffer.concat(lines.flatMap((l) => [l, Buffer.from('\r\n')])));
      const item = reader.next();
      expect(item?.kind).toBe('reply');
      if (item?.kind !== 'reply') return;
      expect(item.reply.lines).toEqual(lines.map((l) => decodeVisible(l.subarray(4))));
      expect(item.raw).toEqual(lines.map((l) => decodeVisible(l)));
    }
    // a bare code, no separator
    const reader = new ReplyReader(limits);
    reader.push(Buffer.from('250\r\n'));
    const item = reader.next();
    expect(item?.kind === 'reply' && item.reply.lines).toEqual(['']);
  });
});
