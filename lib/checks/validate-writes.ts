/**
 * The engine thread's validation of what it sends to the store (engine-thread.ts): every event
 * against CheckEventSchema, and the result against CheckResultSchema, stored as the JSON of what
 * the schema returns, exactly as the SQLite and Postgres stores do on their own.
 *
 * A result's probes are the very objects its probe-done events carried (the storage budget keeps
 * them), and those were validated already: the copy the schema made of each is kept here (weakly),
 * and the result is validated without them, then assembled in the schema's key order, so it
 * serialises to the same JSON as CheckResultSchema.parse(result) (no schema here transforms, and
 * an object's output keys follow its shape). A probe that was not validated as part of an event,
 * or anything else out of the ordinary, takes the whole-result parse. This is where the engine
 * thread allocated most (~150 MB per 400 checks: the schema copies each value it checks).
 */
import { CheckEventSchema, CheckResultSchema, type CheckEvent, type CheckResult, type PortProbe } from '@/lib/probe/schema';

const ResultWithoutProbes = CheckResultSchema.omit({ probes: true });
const RESULT_KEYS = Object.keys(CheckResultSchema.shape);

export function createWriteValidator() {
  /** probe-done's probe (as the engine gave it) → the schema's copy of it */
  const probes = new WeakMap<object, PortProbe>();
  return {
    /** throws as CheckEventSchema.parse does */
    event(event: CheckEvent): void {
      const parsed = CheckEventSchema.parse(event);
      if (event.type === 'probe-done' && parsed.type === 'probe-done' && typeof event.probe === 'object' && event.probe !== null) probes.set(event.probe, parsed.probe);
    },
    /** JSON.stringify(CheckResultSchema.parse(result)); throws as that does */
    resultJson(result: CheckResult): string {
      const all = (result as { probes?: unknown })?.probes;
      const known = Array.isArray(all) ? all.map((p: unknown) => (typeof p === 'object' && p !== null ? probes.get(p) : undefined)) : [];
      if (!Array.isArray(all) || known.some((p) => p === undefined)) return JSON.stringify(CheckResultSchema.parse(result));
      const { probes: _, ...rest } = result;
      const parsed: Record<string, unknown> = ResultWithoutProbes.parse(rest);
      const out: Record<string, unknown> = {};
      for (const key of RESULT_KEYS) {
        if (key === 'probes') out.probes = known;
        else if (key in parsed) out[key] = parsed[key];
      }
      return JSON.stringify(out);
    },
  };
}
