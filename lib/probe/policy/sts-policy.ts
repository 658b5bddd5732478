/**
 * The MTA-STS policy body (RFC 8461 §3.2) and how its `mx` patterns match MX host names
 * (§4.1: a leading `*.` stands for exactly one left-most label). Pure functions, no I/O.
 */
import type { StsPolicy } from '@/lib/probe/schema';

/** RFC 8461 §3.2: max_age is at most 31557600 seconds (about a year). */
export const STS_MAX_AGE_LIMIT = 31_557_600;

const MODES = new Set(['enforce', 'testing', 'none']);

export function parseStsPolicy(text: string): StsPolicy {
  const errors: string[] = [];
  const seen = new Map<string, string>();
  const mx: string[] = [];
  // Lines end in CRLF per the ABNF; plain LF is accepted as every real sender does.
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '') continue;
    const colon = line.indexOf(':');
    if (colon <= 0) {
      errors.push(`line "${line.slice(0, 60)}" is not "key: value"`);
      continue;
    }
    const key = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (key === 'mx') {
      mx.push(value.toLowerCase());
      continue;
    }
    if (seen.has(key) && ['version', 'mode', 'max_age'].includes(key)) errors.push(`"${key}" appears more than once`);
    else seen.set(key, value);
  }
  const version = seen.get('version');
  const mode = seen.get('mode');
  const maxAgeText = seen.get('max_age');
  if (version !== 'STSv1') errors.push(version === undefined ? 'no "version: STSv1" line' : `version "${version}" is not STSv1`);
  if (mode === undefined) errors.push('no "mode" line');
  else if (!MODES.has(mode)) errors.push(`mode "${mode}" is not enforce, testing or none`);
  let maxAge: number | undefined;
  if (maxAgeText === undefined) errors.push('no "max_age" line');
  else if (!/^\d{1,10}$/.test(maxAgeText) || Number(maxAgeText) > STS_MAX_AGE_LIMIT) {
    errors.push(`max_age "${maxAgeText}" is not a whole number of seconds from 0 to ${STS_MAX_AGE_LIMIT}`);
  } else maxAge = Number(maxAgeText);
  // §3.2: mx is required unless the mode is none.
  if (mx.length === 0 && mode !== 'none') errors.push('no "mx" line');
  for (const p of mx) if (!validPattern(p)) errors.push(`mx pattern "${p}" is not a host name or *.domain`);
  return {
    text,
    ...(version !== undefined ? { version } : {}),
    ...(mode !== undefined && MODES.has(mode) ? { mode: mode as StsPolicy['mode'] } : {}),
    mx,
    ...(maxAge !== undefined ? { maxAge } : {}),
    errors,
  };
}

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

function validPattern(p: string): boolean {
  const name = p.startsWith('*.') ? p.slice(2) : p;
  const labels = name.replace(/\.$/, '').split('.');
  return labels.length >= 1 && labels.every((l) => LABEL.test(l));
}

/** Whether an MX host name matches one policy pattern (§4.1), case-insensitively. */
export function mxMatches(pattern: string, host: string): boolean {
  const p = pattern.toLowerCase().replace(/\.$/, '');
  const h = host.toLowerCase().replace(/\.$/, '');
  if (!p.startsWith('*.')) return p === h;
  const dot = h.indexOf('.');
  // "*.example.com" matches "mx.example.com" but neither "example.com" nor "a.b.example.com".
  return dot > 0 && h.slice(dot + 1) === p.slice(2);
}

/** The first pattern that matches the host, if any. */
export function matchingPattern(patterns: readonly string[], host: string): string | undefined {
  return patterns.find((p) => mxMatches(p, host));
}
