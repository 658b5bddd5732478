import { describe, expect, it } from 'vitest';
import { createWriteValidator } from '@/lib/checks/validate-writes';
import { CheckResultSchema, type CheckResult, type PortProbe } from '@/lib/probe/schema';
import { SAMPLE_RESULT } from '@/tests/fixtures/sample-result';
import { probe } from '@/tests/fixtures/probe-builders';

/** the same object with its keys in reverse order (as an engine may build it), plus an unknown key */
function shuffled<T extends object>(o: T): T {
  return Object.fromEntries([['extra', 'not in the schema'], ...Object.entries(o).reverse()]) as T;
}

const whole = (r: CheckResult) => JSON.stringify(CheckResultSchema.parse(r));

describe('the engine thread validates a result without validating its probes twice', () => {
  it('stores the JSON the whole-result parse gives, once every probe came in a probe-done', () => {
    const probes: PortProbe[] = [...SAMPLE_RESULT.probes, shuffled(probe({ port: 587 })), shuffled(probe({ port: 465, greeting: undefined }))];
    for (const result of [{ ...SAMPLE_RESULT, probes }, shuffled({ ...SAMPLE_RESULT, probes }), { ...SAMPLE_RESULT, probes: [] }, { ...SAMPLE_RESULT, probes, policy: undefined }]) {
      const v = createWriteValidator();
      for (const p of result.probes) v.event({ type: 'probe-done', probe: p });
      expect(v.resultJson(result)).toBe(whole(result));
    }
    expect(JSON.stringify(shuffled({ ...SAMPLE_RESULT, probes }))).not.toBe(whole({ ...SAMPLE_RESULT, probes }));
  });

  it('parses the whole result when a probe was not validated before', () => {
    const v = createWriteValidator();
    const [first, second] = [probe({ port: 25 }), shuffled(probe({ port: 587 }))];
    v.event({ type: 'probe-done', probe: first });
    const result = { ...SAMPLE_RESULT, probes: [first, second] };
    expect(v.resultJson(result)).toBe(whole(result));
    // an invalid probe that never came in an event is caught
    const bad = { ...SAMPLE_RESULT, probes: [first, { ...second, port: 'twenty-five' }] } as unknown as CheckResult;
    expect(() => v.resultJson(bad)).toThrow();
  });

  it('rejects what the schema rejects, outside the probes too', () => {
    const v = createWriteValidator();
    for (const p of SAMPLE_RESULT.probes) v.event({ type: 'probe-done', probe: p });
    expect(() => v.resultJson({ ...SAMPLE_RESULT, durationMs: -1 })).toThrow();
    expect(() => v.resultJson({ ...SAMPLE_RESULT, summary: undefined } as unknown as CheckResult)).toThrow();
    expect(() => v.event({ type: 'probe-done', probe: { ...probe(), port: 26 } } as never)).toThrow();
  });
});
