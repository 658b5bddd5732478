/**
 * ReplyReader details the first mutation run of lib/probe/smtp/reply-reader.ts left unpinned: the
 * words of each error (they reach the transcript and the findings), how a foreign protocol is
 * named, the excerpt's length, judging a line before its end arrives, the exact byte caps, the
 * accounting of replies read, per-line time stamps, enhanced status codes and what reset() returns.
 */
import { describe, expect, it } from 'vitest';
import { decodeVisible, ReplyReader, sniffProtocol, type ReaderItem, type ReplyReaderError } from '@/lib/probe/smtp/reply-reader';

const limits = { maxLineBytes: 100, maxReplyBytes: 1000, maxReplyLines: 100 };
const b = (s: string) => Buffer.from(s, 'latin1');

function errorOf(item: ReaderItem | undefined): ReplyReaderError {
  if (item?.kind !== 'error') throw new Error(`expected an error, got ${JSON.stringify(item)}`);
  return item.error;
}
function first(chunks: (string | Buffer)[], l = limits): ReaderItem | undefined {
  const reader = new ReplyReader(l);
  for (const c of chunks) reader.push(typeof c === 'string' ? b(c) : c);
  return reader.next();
}

describe('foreign protocols are named', () => {
  it.each([
    ['HTTP/1.1 400 Bad Request\r\n', 'HTTP', 'an HTTP response'],
    ['SSH-2.0-OpenSSH_9.6\r\n', 'SSH', 'an SSH banner'],
    [Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01]), 'TLS', 'a TLS handshake record'],
    [Buffer.from([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28, 0x0a]), 'TLS', 'a TLS alert record'],
    ['+OK POP3 ready\r\n', 'POP3', 'a POP3 greeting'],
    ['-ERR go away\r\n', 'POP3', 'a POP3 greeting'],
    ['* OK IMAP4rev1 ready\r\n', 'IMAP', 'an IMAP greeting'],
    ['* PREAUTH welcome\r\n', 'IMAP', 'an IMAP greeting'],
    ['* BYE too busy\r\n', 'IMAP', 'an IMAP greeting'],
  ])('%j → %s', (input, protocol, what) => {
    const err = errorOf(first([input]));
    expect(err).toMatchObject({ kind: 'not-smtp', protocol, message: `the server sent ${what}, not an SMTP greeting` });
  });

  it('unrecognised bytes are said to be not an SMTP reply, with no protocol', () => {
    const err = errorOf(first(['hello there\r\n']));
    expect(err).toEqual({ kind: 'not-smtp', message: 'the server sent bytes that are not an SMTP reply, not an SMTP greeting', excerpt: 'hello there' });
  });

  it('a prefix shorter than a signature, or a lone first byte, names nothing', () => {
    expect(sniffProtocol(b('HTTP'))).toBeUndefined();
    expect(sniffProtocol(b('SSH'))).toBeUndefined();
    expect(sniffProtocol(Buffer.from([0x16]))).toBeUndefined();
    expect(sniffProtocol(Buffer.from([0x16, 0x02]))).toBeUndefined();
    expect(sniffProtocol(Buffer.from([0x03, 0x16]))).toBeUndefined();
    expect(sniffProtocol(b('*  OK'))).toBeUndefined();
    expect(sniffProtocol(b('+O'))).toBeUndefined();
  });
});

describe('error words and excerpts', () => {
  it('a line without a code after SMTP was spoken', () => {
    const reader = new ReplyReader(limits);
    reader.push(b('220 hi\r\nnonsense\r\n'));
    reader.next();
    expect(errorOf(reader.next())).toEqual({ kind: 'protocol-error', message: 'a reply line without a 3-digit code', excerpt: 'nonsense' });
  });

  it('a code that changes inside a multi-line reply', () => {
    expect(errorOf(first(['250-first\r\n251 second\r\n']))).toEqual({
      kind: 'protocol-error',
      message: 'the reply code changed from 250 to 251 inside a multi-line reply',
      excerpt: '251 second',
    });
  });

  it('a cap exceeded names the cap', () => {
    const err = errorOf(first([`220 ${'A'.repeat(120)}\r\n`]));
    expect(err).toMatchObject({ kind: 'reply-too-large', message: 'the server exceeded 100 bytes per line', limit: '100 bytes per line' });
  });

  it('the excerpt keeps 120 characters and marks a cut with an ellipsis', () => {
    const long = errorOf(first([`${'x'.repeat(130)}\r\n`], { ...limits, maxLineBytes: 1000 }));
    expect(long.excerpt).toBe(`${'x'.repeat(120)}…`);
    const exact = errorOf(first([`${'y'.repeat(120)}\r\n`], { ...limits, maxLineBytes: 1000 }));
    expect(exact.excerpt).toBe('y'.repeat(120));
  });
});

describe('judging a line before its end arrives', () => {
  it('waits while the first bytes could still start a reply line', () => {
    for (const partial of ['250-abcdefgh', '250 abcdefgh', '2501', '25', '220\rabcdefg']) {
      const reader = new ReplyReader(limits);
      reader.push(b(partial));
      expect(reader.next(), partial).toBeUndefined();
    }
  });

  it('gives up at eight bytes that cannot start one', () => {
    const reader = new ReplyReader(limits);
    reader.push(b('abcdefg'));
    expect(reader.next()).toBeUndefined(); // seven bytes: not judged yet
    reader.push(b('h'));
    expect(errorOf(reader.next()).kind).toBe('not-smtp');
    for (const bad of ['250xabcdefgh', '2a0 abcdefgh', 'a50 abcdefgh', '25a abcdefgh']) {
      expect(errorOf(first([bad])).kind, bad).toBe('not-smtp');
    }
  });

  it('a partial line over the line cap ends at once; one at the cap does not', () => {
    const reader = new ReplyReader(limits);
    reader.push(b(`250 ${'a'.repeat(96)}`)); // 100 bytes, no line end yet
    expect(reader.next()).toBeUndefined();
    reader.push(b('a'));
    expect(errorOf(reader.next())).toMatchObject({ kind: 'reply-too-large', limit: '100 bytes per line' });
  });

  it('a partial line that takes the reply over its byte cap ends at once', () => {
    const reader = new ReplyReader({ ...limits, maxLineBytes: 200 });
    const line = `250-${'x'.repeat(94)}\r\n`; // 100 bytes with CRLF
    reader.push(b(line.repeat(9)));
    reader.push(b(`250 ${'y'.repeat(50)}`)); // 900 + 54 bytes so far: within
    expect(reader.next()).toBeUndefined();
    reader.push(b('y'.repeat(47))); // 900 + 101 > 1000
    expect(errorOf(reader.next())).toMatchObject({ kind: 'reply-too-large', limit: '1000 bytes per reply' });
  });
});

describe('byte caps are exact', () => {
  const line = (n: number, last = false) => `250${last ? ' ' : '-'}${'x'.repeat(n - 4)}\r\n`; // n bytes without CRLF

  it('a line of exactly maxLineBytes is read', () => {
    expect(first([line(100, true)])?.kind).toBe('reply');
    expect(errorOf(first([line(101, true)])).limit).toBe('100 bytes per line');
  });

  it('a reply of exactly maxReplyBytes (CRLF counted) is read; one byte more is too large', () => {
    // 10 lines of 98 bytes + CRLF = 1000 bytes
    expect(first([line(98).repeat(9) + line(98, true)])?.kind).toBe('reply');
    expect(errorOf(first([line(98).repeat(9) + line(99, true)])).limit).toBe('1000 bytes per reply');
  });

  it('replies read with next() stop counting against the cap for unread ones', () => {
    const reader = new ReplyReader(limits);
    const reply = line(98, true); // 100 bytes
    for (let round = 0; round < 30; round++) {
      reader.push(b(reply.repeat(5)));
      for (let i = 0; i < 5; i++) expect(reader.next()?.kind).toBe('reply');
    }
    // unread replies do count: eleven of them exceed 1000 bytes
    reader.push(b(reply.repeat(11)));
    const items: ReaderItem[] = [];
    for (let it = reader.next(); it; it = reader.next()) {
      items.push(it);
      if (it.kind === 'error') break;
    }
    expect(items.at(-1)?.kind).toBe('error');
  });
});

describe('what a reply carries', () => {
  it('each raw line with the time of the push that completed it', () => {
    const reader = new ReplyReader(limits);
    reader.push(b('220-mx.example.test hold on\r\n'), 5);
    reader.push(b('220 ready'), 900);
    reader.push(b('\r\n'), 1200);
    expect(reader.next()).toEqual({
      kind: 'reply',
      reply: { code: 220, lines: ['mx.example.test hold on', 'ready'] },
      raw: ['220-mx.example.test hold on', '220 ready'],
      rawAt: [5, 1200],
    });
    expect(reader.bytesReceived).toBe(40);
  });

  it.each([
    ['250 2.1.0 Ok\r\n', '2.1.0'],
    ['250 2.1.0\r\n', '2.1.0'],
    ['550 5.7.1 denied\r\n', '5.7.1'],
    ['451 4.123.999 later\r\n', '4.123.999'],
    ['250 2.1.0x\r\n', undefined],
    ['250 2.1000.0 Ok\r\n', undefined],
    ['250 2.1.1000 Ok\r\n', undefined],
    ['250 2..0 Ok\r\n', undefined],
    ['250 x 2.1.0 Ok\r\n', undefined],
    ['250 3.1.0 Ok\r\n', undefined],
  ])('%j has enhanced code %s', (input, enhanced) => {
    const item = first([input]);
    if (item?.kind !== 'reply') throw new Error('expected a reply');
    expect(item.reply.enhanced).toBe(enhanced);
  });

  it('the enhanced code comes from the first line of a multi-line reply', () => {
    const item = first(['250-mx.example.test\r\n250 2.0.0 Ok\r\n']);
    if (item?.kind !== 'reply') throw new Error('expected a reply');
    expect(item.reply.enhanced).toBeUndefined();
  });
});

describe('reset and pending text', () => {
  it('returns what it dropped, line by line, with a visible CRLF between', () => {
    const reader = new ReplyReader(limits);
    reader.push(b('220 go\r\n250 one\r\n250-two\r\n250 thr'));
    reader.next();
    expect(reader.reset()).toBe('250 one\\r\\n250-two\\r\\n250 thr');
    expect(reader.pendingText()).toBe('');
  });

  it('includes the excerpt of an error it drops', () => {
    const reader = new ReplyReader(limits);
    reader.push(b('220 go\r\n\x01\x02garbage line\r\n'));
    reader.next();
    expect(reader.reset()).toBe('\\x01\\x02garbage line');
  });

  it('pending text is the partial reply and partial line', () => {
    const reader = new ReplyReader(limits);
    reader.push(b('250-a\r\n250-b\r\n250'));
    expect(reader.pendingText()).toBe('250-a\\r\\n250-b\\r\\n250');
  });
});

describe('decodeVisible', () => {
  it('escapes C0 controls except tab, DEL and C1 controls', () => {
    expect(decodeVisible(Buffer.from([0x41, 0x00, 0x08, 0x09, 0x0a, 0x1f, 0x20, 0x7e, 0x7f]))).toBe('A\\x00\\x08\t\\x0a\\x1f ~\\x7f');
    expect(decodeVisible(Buffer.from('a\u0085b\u009fc\u00a0d', 'utf8'))).toBe('a\\x85b\\x9fc\u00a0d');
  });

  it('reads bytes that are not UTF-8 as Latin-1', () => {
    expect(decodeVisible(Buffer.from([0x63, 0x61, 0x66, 0xe9]))).toBe('café');
  });
});
