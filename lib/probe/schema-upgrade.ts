/**
 * Read-upgrades for results and events stored in an older shape. A finished check is immutable
 * (the store refuses to rewrite it), so old rows stay old on disk and every store maps them to the
 * current shape as it reads them, before validation or use.
 *
 * Shape 1 → 2 (issue 9): a port probe's single `errorCode` string carried four kinds of things.
 * It is split into typed fields: `smtpCode` (SMTP_nnn), `foreignProtocol` (not-smtp), `refusal`
 * (blocked-target: the policy's range, or the guard's reason) and `systemError` (everything else:
 * ECONNREFUSED, ERR_SSL_…, ETIMEDOUT, PROBE_BUDGET, …). This is the one place a code is read back
 * out of a string, and only for rows written before the split.
 */
import { ConnectRefusalReasonSchema, ForeignProtocolSchema, type PortProbe } from '@/lib/probe/schema';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The typed fields an old `errorCode` stands for, given the probe's outcome. */
export function splitLegacyErrorCode(outcome: unknown, code: string): Partial<PortProbe> {
  const reply = /^SMTP_(\d{3})$/.exec(code);
  if (reply) return { smtpCode: Number(reply[1]) };
  if (outcome === 'not-smtp') {
    const protocol = ForeignProtocolSchema.safeParse(code);
    if (protocol.success) return { foreignProtocol: protocol.data };
  }
  if (outcome === 'blocked-target') {
    // The engine wrote the policy's range, or the guard's reason when no range applied.
    const reason = ConnectRefusalReasonSchema.safeParse(code);
    return { refusal: reason.success ? { reason: reason.data } : { reason: 'policy', range: code } };
  }
  return { systemError: code };
}

/** A stored port probe in the current shape (the same object when it already is). */
export function upgradeProbe(value: unknown): unknown {
  if (!isObject(value) || !('errorCode' in value)) return value;
  const { errorCode, ...rest } = value;
  if (typeof errorCode !== 'string' || errorCode === '') return rest;
  // Keep the key order of a freshly written probe: the split fields sit where errorCode was.
  const out: Json = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === 'errorCode') Object.assign(out, splitLegacyErrorCode(value.outcome, errorCode));
    else out[k] = v;
  }
  return out;
}

/** A stored check result in the current shape. */
export function upgradeResult(value: unknown): unknown {
  if (!isObject(value) || !Array.isArray(value.probes)) return value;
  if (!value.probes.some((p) => isObject(p) && 'errorCode' in p)) return value;
  return { ...value, probes: value.probes.map(upgradeProbe) };
}

/** A stored check event in the current shape (probe-done's probe, a version-1 check-done's result). */
export function upgradeEvent(value: unknown): unknown {
  if (!isObject(value)) return value;
  if (value.type === 'probe-done' && isObject(value.probe) && 'errorCode' in value.probe) {
    return { ...value, probe: upgradeProbe(value.probe) };
  }
  if (value.type === 'check-done' && isObject(value.result)) {
    const result = upgradeResult(value.result);
    return result === value.result ? value : { ...value, result };
  }
  return value;
}
