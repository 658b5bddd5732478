import { describe, expect, it } from 'vitest';
import { histograms, parseExposition, samples } from '@/tests/fixtures/prometheus-text';

describe('exposition parsing fixture', () => {
  it('keeps histogram series apart per label set, unescapes labels, and reads NaN samples as NaN', async () => {
    const m = await parseExposition(
      [
        '# HELP lag_seconds lag',
        '# TYPE lag_seconds gauge',
        'lag_seconds{role="web"} Nan',
        'lag_seconds{role="worker"} 0.5',
        '# HELP d_seconds d',
        '# TYPE d_seconds histogram',
        'd_seconds_bucket{le="1",port="25"} 1',
        'd_seconds_bucket{le="+Inf",port="25"} 2',
        'd_seconds_sum{port="25"} 3',
        'd_seconds_count{port="25"} 2',
        'd_seconds_bucket{le="1",port="465"} 0',
        'd_seconds_bucket{le="+Inf",port="465"} 1',
        'd_seconds_sum{port="465"} 4',
        'd_seconds_count{port="465"} 1',
        '# HELP c_total c',
        '# TYPE c_total counter',
        'c_total{why="a \\"quoted\\" word"} 7',
        '',
      ].join('\n'),
    );
    expect(samples(m, 'lag_seconds', { role: 'web' })[0]!.value).toBeNaN();
    expect(samples(m, 'lag_seconds', { role: 'worker' })[0]!.value).toBe(0.5);
    expect(histograms(m, 'd_seconds').map((h) => [h.labels.port, h.count, h.sum])).toEqual([
      ['25', 2, 3],
      ['465', 1, 4],
    ]);
    expect(samples(m, 'c_total')[0]!.labels.why).toBe('a "quoted" word');
  });
});
