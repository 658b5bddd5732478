import { describe, expect, it } from 'vitest';
import { parseCapabilityLine, parseEhlo } from '@/lib/probe/smtp/capabilities';
import { EhloSchema } from '@/lib/probe/schema';

const reply = (...lines: string[]) => ({ code: 250, lines });

describe('parseEhlo', () => {
  it('reads the server name and every extension flag', () => {
    const ehlo = parseEhlo(
      reply(
        'mx.example.test Hello client.test [127.10.0.1]',
        'PIPELINING',
        'SIZE 52428800',
        'STARTTLS',
        '8BITMIME',
        'SMTPUTF8',
        'CHUNKING',
        'ENHANCEDSTATUSCODES',
        'DSN',
        'REQUIRETLS',
      ),
    );
    expect(EhloSchema.parse(ehlo)).toEqual(ehlo);
    expect(ehlo).toMatchObject({
      serverName: 'mx.example.test',
      starttls: true,
      pipelining: true,
      eightBitMime: true,
      smtpUtf8: true,
      chunking: true,
      enhancedStatusCodes: true,
      dsn: true,
      requireTls: true,
      size: 52428800,
      auth: [],
      heloFallback: false,
    });
    expect(ehlo.capabilities).toHaveLength(9);
  });

  it('matches keywords case-insensitively but whole, never by substring', () => {
    const ehlo = parseEhlo(reply('mx', 'starttls', 'X-STARTTLS-LIKE', '8BITMIMEX', 'NOPIPELINING'));
    expect(ehlo.starttls).toBe(true);
    expect(ehlo.eightBitMime).toBe(false);
    expect(ehlo.pipelining).toBe(false);
    const only = parseEhlo(reply('mx', 'XSTARTTLS', 'STARTTLSX'));
    expect(only.starttls).toBe(false);
  });

  it('does not read the greeting line as a capability', () => {
    const ehlo = parseEhlo(reply('STARTTLS'));
    expect(ehlo.starttls).toBe(false);
    expect(ehlo.capabilities).toEqual([]);
    expect(ehlo.serverName).toBe('STARTTLS');
  });

  it('merges, upper-cases and dedupes AUTH and the legacy AUTH= form', () => {
    const ehlo = parseEhlo(reply('mx', 'AUTH login PLAIN CRAM-MD5', 'AUTH=LOGIN plain XOAUTH2'));
    expect(ehlo.auth).toEqual(['LOGIN', 'PLAIN', 'CRAM-MD5', 'XOAUTH2']);
  });

  it('reads AUTH= alone', () => {
    expect(parseEhlo(reply('mx', 'AUTH=PLAIN')).auth).toEqual(['PLAIN']);
  });

  it('does not take a keyword merely starting with AUTH for AUTH', () => {
    expect(parseEhlo(reply('mx', 'AUTHX PLAIN', 'X-AUTH LOGIN')).auth).toEqual([]);
  });

  it('keeps unknown keywords in order, upper-cased, with their parameters as sent', () => {
    const ehlo = parseEhlo(reply('mx', 'x-exps GSSAPI NTLM', 'XCLIENT ADDR NAME', 'ETRN', 'VRFY'));
    expect(ehlo.capabilities).toEqual([
      { keyword: 'X-EXPS', params: ['GSSAPI', 'NTLM'] },
      { keyword: 'XCLIENT', params: ['ADDR', 'NAME'] },
      { keyword: 'ETRN', params: [] },
      { keyword: 'VRFY', params: [] },
    ]);
  });

  it.each([
    [['SIZE'], 0],
    [['SIZE 0'], 0],
    [['SIZE 10240000'], 10240000],
    [['SIZE lots'], undefined],
    [['SIZE -5'], undefined],
    [['SIZE 99999999999999999999'], undefined],
    [[], undefined],
  ])('reads SIZE from %j as %s', (lines, size) => {
    expect(parseEhlo(reply('mx', ...lines)).size).toBe(size);
  });

  it('ignores blank and padded lines', () => {
    const ehlo = parseEhlo(reply('mx', '', '   ', '  PIPELINING  '));
    expect(ehlo.capabilities).toEqual([{ keyword: 'PIPELINING', params: [] }]);
  });

  it('announces nothing for a HELO fallback, whatever its lines say', () => {
    const ehlo = parseEhlo(reply('mx.example.test', 'STARTTLS'), { heloFallback: true });
    expect(ehlo).toMatchObject({ heloFallback: true, starttls: false, capabilities: [], auth: [] });
    expect(ehlo.serverName).toBe('mx.example.test');
  });

  it('leaves serverName out when the first line is empty', () => {
    expect(parseEhlo(reply('')).serverName).toBeUndefined();
  });
});

describe('parseCapabilityLine', () => {
  it('splits on any run of whitespace', () => {
    expect(parseCapabilityLine('auth\tPLAIN  LOGIN')).toEqual({ keyword: 'AUTH', params: ['PLAIN', 'LOGIN'] });
  });
  it('returns undefined for an empty line', () => {
    expect(parseCapabilityLine('  ')).toBeUndefined();
  });
});
