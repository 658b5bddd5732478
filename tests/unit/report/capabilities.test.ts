import { describe, expect, it } from 'vitest';
import { compareCapabilities } from '@/lib/report/capabilities';

const cap = (keyword: string, ...params: string[]) => ({ keyword, params });

describe('compareCapabilities', () => {
  it('lines up keywords before and after TLS in first-seen order', () => {
    const rows = compareCapabilities(
      [cap('PIPELINING'), cap('SIZE', '1000'), cap('STARTTLS')],
      [cap('PIPELINING'), cap('SIZE', '2000'), cap('AUTH', 'PLAIN')],
    );
    expect(rows).toEqual([
      { keyword: 'PIPELINING', before: [], after: [] },
      { keyword: 'SIZE', before: ['1000'], after: ['2000'] },
      { keyword: 'STARTTLS', before: [], after: null },
      { keyword: 'AUTH', before: null, after: ['PLAIN'] },
    ]);
  });

  it('treats a stage that was never reached as empty', () => {
    expect(compareCapabilities(undefined, [cap('AUTH', 'LOGIN')])).toEqual([{ keyword: 'AUTH', before: null, after: ['LOGIN'] }]);
    expect(compareCapabilities([cap('STARTTLS')], undefined)).toEqual([{ keyword: 'STARTTLS', before: [], after: null }]);
  });
});
