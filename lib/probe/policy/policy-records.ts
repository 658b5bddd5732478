/**
 * The two policy TXT records a receiving domain publishes for transport security:
 * `_mta-sts.<domain>` (RFC 8461 §3.1) and `_smtp._tls.<domain>` (RFC 8460 §3). Both RFCs make a
 * sender ignore the record set unless exactly one record of the right version is there, so
 * "several" and "malformed" are told apart from "absent". Pure functions, no I/O.
 */

export type RecordProblem = 'none' | 'multiple' | 'invalid';

export type RecordParse<T> = { ok: true; value: T } | { ok: false; problem: RecordProblem; detail?: string };

/** `key=value` fields separated by `;` with optional blanks (RFC 8461 §3.1 sts-field-delim). */
function fields(record: string): { key: string; value: string }[] | string {
  const out: { key: string; value: string }[] = [];
  for (const raw of record.split(';')) {
    const part = raw.trim();
    if (part === '') continue;
    const eq = part.indexOf('=');
    if (eq <= 0) return `field "${part}" is not name=value`;
    out.push({ key: part.slice(0, eq).trim(), value: part.slice(eq + 1).trim() });
  }
  return out;
}

/** Records whose text starts with the version tag (others at the name are not ours: §3.1). */
function ofVersion(records: readonly string[], tag: string): string[] {
  return records.filter((r) => r.startsWith(`v=${tag};`) || r === `v=${tag}`);
}

function one(records: readonly string[], tag: string): string | { problem: RecordProblem } {
  const mine = ofVersion(records, tag);
  if (mine.length === 0) return { problem: 'none' };
  if (mine.length > 1) return { problem: 'multiple' };
  return mine[0]!;
}

/** RFC 8461 §3.1: sts-id = 1*32(ALPHA / DIGIT). */
const STS_ID = /^[A-Za-z0-9]{1,32}$/;
/** RFC 8461 §3.1 sts-ext-name / sts-ext-value. */
const EXT_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$/;
const EXT_VALUE = /^[\x21-\x3a\x3c\x3e-\x7e]+$/;

export function parseMtaStsRecords(records: readonly string[]): RecordParse<{ id: string }> {
  const rec = one(records, 'STSv1');
  if (typeof rec !== 'string') return { ok: false, ...rec };
  const fs = fields(rec);
  if (typeof fs === 'string') return { ok: false, problem: 'invalid', detail: fs };
  const [version, ...rest] = fs;
  if (version?.key !== 'v' || version.value !== 'STSv1') return { ok: false, problem: 'invalid', detail: 'the record must start with v=STSv1' };
  const ids = rest.filter((f) => f.key === 'id');
  if (ids.length === 0) return { ok: false, problem: 'invalid', detail: 'no id field' };
  if (ids.length > 1) return { ok: false, problem: 'invalid', detail: 'more than one id field' };
  const id = ids[0]!.value;
  if (!STS_ID.test(id)) return { ok: false, problem: 'invalid', detail: `id "${id}" is not 1 to 32 letters and digits` };
  for (const f of rest) {
    if (f.key === 'id') continue;
    if (!EXT_NAME.test(f.key) || !EXT_VALUE.test(f.value)) return { ok: false, problem: 'invalid', detail: `extension field "${f.key}=${f.value}" is malformed` };
  }
  return { ok: true, value: { id } };
}

/** A TLS-RPT rua URI: mailto: with an address, or https: with a host (RFC 8460 §3). */
export function validRuaUri(uri: string): boolean {
  if (/^mailto:/i.test(uri)) return /^mailto:[^@\s]+@[^@\s]+$/i.test(uri);
  if (/^https:/i.test(uri)) {
    try {
      const u = new URL(uri);
      return u.protocol === 'https:' && u.hostname !== '';
    } catch {
      return false;
    }
  }
  return false;
}

export function parseTlsRptRecords(records: readonly string[]): RecordParse<{ rua: string[] }> {
  const rec = one(records, 'TLSRPTv1');
  if (typeof rec !== 'string') return { ok: false, ...rec };
  const fs = fields(rec);
  if (typeof fs === 'string') return { ok: false, problem: 'invalid', detail: fs };
  const ruas = fs.filter((f) => f.key === 'rua');
  if (ruas.length !== 1) return { ok: false, problem: 'invalid', detail: ruas.length === 0 ? 'no rua field' : 'more than one rua field' };
  const rua = ruas[0]!.value.split(',').map((u) => u.trim()).filter((u) => u !== '');
  if (rua.length === 0) return { ok: false, problem: 'invalid', detail: 'rua lists no URI' };
  const bad = rua.find((u) => !validRuaUri(u));
  if (bad !== undefined) return { ok: false, problem: 'invalid', detail: `"${bad}" is not a mailto: or https: URI` };
  return { ok: true, value: { rua } };
}
