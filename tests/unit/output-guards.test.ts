/**
 * The output guards against text a probed server controls: a CSV cell must not start a formula,
 * an SSE field must not end its line. A lone CR counts in both: spreadsheets treat a leading CR
 * like a tab, and SSE (HTML Living Standard, "Parsing an event stream") ends a line at CR alone.
 */
import { describe, expect, it } from 'vitest';
import { csvField, neutralizeFormula, toCsv } from '@/lib/export/csv';
import { formatSseEvent, sseResponse } from '@/lib/http/sse';

describe('CSV formula guard', () => {
  it('a cell starting with a carriage return is neutralised, then quoted (RFC 4180 §2.6)', () => {
    expect(neutralizeFormula('\r=HYPERLINK("http://x.test")')).toBe('\'\r=HYPERLINK("http://x.test")');
    expect(csvField('\r=1+1')).toBe('"\'\r=1+1"');
  });

  it('every formula start is neutralised: = + - @ tab CR', () => {
    for (const start of ['=', '+', '-', '@', '\t', '\r']) expect(neutralizeFormula(`${start}cmd`)).toBe(`'${start}cmd`);
  });

  it('a CR or formula sign later in the text is left alone', () => {
    expect(neutralizeFormula('a\r=1')).toBe('a\r=1');
    expect(neutralizeFormula('250 ok = fine')).toBe('250 ok = fine');
    expect(neutralizeFormula('\n=1')).toBe('\n=1');
  });

  it('writes booleans as words and non-finite numbers as empty cells', () => {
    expect([csvField(true), csvField(false), csvField(Number.NaN), csvField(Number.POSITIVE_INFINITY), csvField(null), csvField(undefined)]).toEqual([
      'true',
      'false',
      '',
      '',
      '',
      '',
    ]);
  });

  it('numbers are never touched, negative ones included', () => {
    expect(csvField(-5)).toBe('-5');
    expect(toCsv(['n', 's'], [[-1, '-1']])).toBe("n,s\r\n-1,'-1\r\n");
  });
});

describe('SSE field guard', () => {
  it('refuses a lone CR in an event name or id: it would end the line and forge a field', () => {
    expect(() => formatSseEvent('probe\rdata: forged', {})).toThrow(/line breaks/);
    expect(() => formatSseEvent('probe', {}, '7\rid: 99')).toThrow(/line breaks/);
    expect(() => formatSseEvent('probe\ndata: forged', {})).toThrow(/line breaks/);
  });

  it('data holding CR or LF stays one data line per line of JSON (JSON escapes them)', () => {
    const frame = formatSseEvent('probe', { banner: '220 a\rdata: forged\r\n' }, 3);
    expect(frame).toBe('id: 3\nevent: probe\ndata: {"banner":"220 a\\rdata: forged\\r\\n"}\n\n');
    expect(frame.includes('\r')).toBe(false);
  });

  it('a comment with a lone CR is refused, and the stream sends nothing forged', async () => {
    const controller = new AbortController();
    let threw: unknown;
    const res = sseResponse(new Request('http://app.test/events', { signal: controller.signal }), (sink) => {
      try {
        sink.comment('hello\rdata: forged');
      } catch (err) {
        threw = err;
      }
      sink.close();
    });
    const text = await res.text();
    expect(String(threw)).toMatch(/line breaks/);
    expect(text).toBe(': mxray event stream\n\n');
  });
});
