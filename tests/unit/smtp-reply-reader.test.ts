import fc from '@/tests/fixtures/fast-check';
import { describe, expect, it } from 'vitest';
import { decodeVisible, ReplyReader, type ReaderItem } from '@/lib/probe/smtp/reply-reader';

const limits = { maxLineBytes: 100, maxReplyBytes: 1000, maxReplyLines: 10 };
const b = (s: string) => Buffer.from(s, 'latin1');

function drain(reader: ReplyReader): ReaderItem[] {
  const items: ReaderItem[] = [];
  for (let item = reader.next(); item; item = reader.next()) {
    items.push(item);
    if (item.kind === 'error') break;
  }
  return items;
}

function feed(chunks: (string | Buffer)[], l = limits): ReaderItem[] {
  const reader = new ReplyReader(l);
  for (const c of chunks) reader.push(typeof c === 'string' ? b(c) : c);
  return drain(reader);
}

const replyOf = (item: ReaderItem | undefined) => {
  if (item?.kind !== 'reply') throw new Error(`expected a reply, got ${JSON.stringify(item)}`);
  return item.reply;
};
const errorOf = (item: ReaderItem | undefined) => {
  if (item?.kind !== 'error') throw new Error(`expected an error, got ${JSON.stringify(item)}`);
  return item.error;
};

describe('ReplyReader: framing', () => {
  it('reads a single-line reply', () => {
    const [item] = feed(['220 mx.example.test ESMTP ready\r\n']);
    expect(replyOf(item)).toEqual({ code: 220, lines: ['mx.example.test ESMTP ready'] });
  });

  it('returns nothing until the line is complete, however the bytes are split', () => {
    const reader = new ReplyReader(limits);
    for (const ch of '220 slow') {
      reader.push(b(ch));
      expect(reader.next()).toBeUndefined();
    }
    reader.push(b(' server\r'));
    expect(reader.next()).toBeUndefined();
    reader.push(b('\n'));
    expect(replyOf(reader.next()).lines).toEqual(['slow server']);
  });

  it('joins a multi-line reply and only yields it at the final "code SP" line', () => {
    const reader = new ReplyReader(limits);
    reader.push(b('250-mx.example.test\r\n250-PIPELINING\r\n'));
    expect(reader.next()).toBeUndefined();
    reader.push(b('250-SIZE 1000\r\n250 STARTTLS\r\n'));
    const item = reader.next();
    expect(replyOf(item).lines).toEqual(['mx.example.test', 'PIPELINING', 'SIZE 1000', 'STARTTLS']);
    expect(item?.kind === 'reply' && item.raw).toEqual([
      '250-mx.example.test',
      '250-PIPELINING',
      '250-SIZE 1000',
      '250 STARTTLS',
    ]);
  });

  it('queues several replies that arrive in one chunk (pipelined)', () => {
    const items = feed(['250 2.1.0 Ok\r\n250-a\r\n250 b\r\n221 2.0.0 Bye\r\n']);
    expect(items.map((i) => replyOf(i).code)).toEqual([250, 250, 221]);
    expect(replyOf(items[0]).enhanced).toBe('2.1.0');
    expect(replyOf(items[1]).lines).toEqual(['a', 'b']);
  });

  it('tolerates bare LF line endings and a code with no text', () => {
    const items = feed(['220-first\n220\n']);
    expect(replyOf(items[0])).toEqual({ code: 220, lines: ['first', ''] });
  });

  it('only takes an enhanced status code whose class matches the reply code', () => {
    expect(replyOf(feed(['550 5.7.1 Relaying denied\r\n'])[0]).enhanced).toBe('5.7.1');
    expect(replyOf(feed(['250 5.7.1 odd\r\n'])[0]).enhanced).toBeUndefined();
    expect(replyOf(feed(['220 2.0.0x not one\r\n'])[0]).enhanced).toBeUndefined();
  });

  it('reassembles the same replies whatever the chunk boundaries (property)', () => {
    const stream = '220-mx.example.test hi\r\n220 ready\r\n250-x\n250-SIZE 10\r\n250 8BITMIME\r\n221 bye\r\n';
    const whole = feed([stream]);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: stream.length }), { maxLength: 20 }), (cuts) => {
        const points = [...new Set(cuts)].sort((x, y) => x - y);
        const chunks: string[] = [];
        let prev = 0;
        for (const p of points) {
          chunks.push(stream.slice(prev, p));
          prev = p;
        }
        chunks.push(stream.slice(prev));
        expect(feed(chunks)).toEqual(whole);
      }),
    );
    expect(whole).toHaveLength(3);
  });
});

describe('ReplyReader: caps', () => {
  it('ends with reply-too-large when a line exceeds maxLineBytes, even before its LF arrives', () => {
    const reader = new ReplyReader(limits);
    reader.push(b(`220 ${'A'.repeat(60)}`));
    expect(reader.next()).toBeUndefined();
    reader.push(b('A'.repeat(60)));
    const err = errorOf(reader.next());
    expect(err.kind).toBe('reply-too-large');
    expect(err.limit).toBe('100 bytes per line');
  });

  it('ends with reply-too-large when a reply has more than maxReplyLines lines', () => {
    const items = feed([Array.from({ length: 11 }, () => '250-x\r\n').join('')]);
    expect(errorOf(items[0]).kind).toBe('reply-too-large');
    expect(errorOf(items[0]).limit).toBe('10 lines per reply');
  });

  it('accepts exactly maxReplyLines lines', () => {
    const lines = [...Array.from({ length: 9 }, () => '250-x\r\n'), '250 y\r\n'];
    expect(replyOf(feed([lines.join('')])[0]).lines).toHaveLength(10);
  });

  it('ends with reply-too-large when a reply exceeds maxReplyBytes', () => {
    const line = `250-${'x'.repeat(90)}\r\n`;
    const items = feed([line.repeat(11)], { ...limits, maxReplyLines: 100 });
    expect(errorOf(items[0]).kind).toBe('reply-too-large');
    expect(errorOf(items[0]).limit).toBe('1000 bytes per reply');
  });

  it('bounds replies nobody has read yet', () => {
    const reader = new ReplyReader(limits);
    for (let i = 0; i < 200; i++) reader.push(b('250 unsolicited reply\r\n'));
    const items = drain(reader);
    expect(items.length).toBeLessThan(200);
    expect(errorOf(items.at(-1)).kind).toBe('reply-too-large');
  });

  it('keeps the error for good and ignores later bytes', () => {
    const reader = new ReplyReader(limits);
    reader.push(b(`220 ${'A'.repeat(200)}\r\n`));
    expect(errorOf(reader.next()).kind).toBe('reply-too-large');
    reader.push(b('250 fine\r\n'));
    expect(errorOf(reader.next()).kind).toBe('reply-too-large');
  });
});

describe('ReplyReader: malformed and foreign peers', () => {
  it.each([
    ['HTTP/1.1 400 Bad Request\r\n', 'HTTP'],
    ['SSH-2.0-OpenSSH_9.6\r\n', 'SSH'],
    ['+OK POP3 ready\r\n', 'POP3'],
    ['* OK IMAP4rev1 ready\r\n', 'IMAP'],
  ])('recognises a non-SMTP first line %j', (line, name) => {
    const err = errorOf(feed([line])[0]);
    expect(err.kind).toBe('not-smtp');
    expect(err.protocol).toBe(name);
    expect(err.message).toMatch(name);
  });

  it('recognises a TLS record without waiting for a line end', () => {
    const reader = new ReplyReader(limits);
    reader.push(Buffer.from([0x16, 0x03, 0x03, 0x00, 0x7a, 0x02, 0x00, 0x00, 0x76, 0x03]));
    const err = errorOf(reader.next());
    expect(err.kind).toBe('not-smtp');
    expect(err.protocol).toBe('TLS');
  });

  it('calls binary garbage not-smtp instead of waiting for the line cap', () => {
    const reader = new ReplyReader({ ...limits, maxLineBytes: 10_000 });
    reader.push(Buffer.from([0x00, 0xff, 0xfe, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06]));
    const err = errorOf(reader.next());
    expect(err.kind).toBe('not-smtp');
    expect(err.protocol).toBeUndefined();
    expect(err.excerpt).toContain('\\x00');
  });

  it('calls a line without a code a protocol error once SMTP was spoken', () => {
    const items = feed(['220 hello\r\nwhat is this\r\n']);
    expect(replyOf(items[0]).code).toBe(220);
    expect(errorOf(items[1]).kind).toBe('protocol-error');
  });

  it('calls a code change inside a multi-line reply a protocol error', () => {
    const err = errorOf(feed(['250-first\r\n251 second\r\n'])[0]);
    expect(err.kind).toBe('protocol-error');
    expect(err.message).toMatch(/250 to 251/);
  });

  it.each(['2200 four digits\r\n', '22 short\r\n', '220_bad separator\r\n'])(
    'rejects the malformed line %j',
    (line) => {
      const reader = new ReplyReader(limits);
      reader.push(b('220 ok\r\n'));
      reader.next();
      reader.push(b(line));
      expect(errorOf(reader.next()).kind).toBe('protocol-error');
    },
  );

  it('keeps NUL bytes and invalid UTF-8 visible instead of crashing', () => {
    const reply = replyOf(feed([Buffer.concat([b('220 a'), Buffer.from([0x00, 0xe9, 0xff]), b('z\r\n')])])[0]);
    expect(reply.lines[0]).toBe('a\\x00éÿz');
  });

  it('decodes valid UTF-8 as UTF-8', () => {
    const reply = replyOf(feed([Buffer.from('220 mx.bücher.test grüßt\r\n', 'utf8')])[0]);
    expect(reply.lines[0]).toBe('mx.bücher.test grüßt');
  });

  it('shows control characters as escapes but leaves tabs', () => {
    expect(decodeVisible(b('a\tb\rc\x1b[31m'))).toBe('a\tb\\x0dc\\x1b[31m');
  });
});

describe('ReplyReader.reset (RFC 3207 §6)', () => {
  it('discards replies, partial replies and partial lines buffered after the 220', () => {
    const reader = new ReplyReader(limits);
    reader.push(b('220 2.0.0 Ready to start TLS\r\n250-injected\r\n250 AUTH PLAIN\r\n250-half\r\n25'));
    expect(replyOf(reader.next()).code).toBe(220);
    const dropped = reader.reset();
    expect(dropped).toContain('250-injected');
    expect(dropped).toContain('250-half');
    expect(reader.next()).toBeUndefined();
    reader.push(b('250 after tls\r\n'));
    expect(replyOf(reader.next()).lines).toEqual(['after tls']);
  });

  it('also drops an error caused by injected garbage', () => {
    const reader = new ReplyReader(limits);
    reader.push(b('220 go ahead\r\nnot smtp at all\r\n'));
    expect(replyOf(reader.next()).code).toBe(220);
    expect(reader.reset()).toContain('not smtp at all');
    reader.push(b('250 ok\r\n'));
    expect(replyOf(reader.next()).code).toBe(250);
  });

  it('returns an empty string when nothing was buffered', () => {
    const reader = new ReplyReader(limits);
    reader.push(b('220 go ahead\r\n'));
    reader.next();
    expect(reader.reset()).toBe('');
  });

  it('reports pending text for a timeout note and counts every byte received', () => {
    const reader = new ReplyReader(limits);
    reader.push(b('220-first\r\n220 sec'));
    expect(reader.pendingText()).toBe('220-first\\r\\n220 sec');
    expect(reader.bytesReceived).toBe(18);
  });
});
