/**
 * What a badge says, decided from what the store holds. A badge request only ever reads: it never
 * starts a probe, so a README viewed a thousand times costs a thousand cheap lookups, not checks.
 */
import type { CheckStatus } from '@/lib/checks/check-status';
import { displayDomainName } from '@/lib/probe/homograph';
import type { CheckResult } from '@/lib/probe/schema';
import { formatDate } from '@/lib/report/format';
import type { Verdict } from '@/lib/report/status';
import { verdictLabel } from '@/lib/verdict/labels';
import type { BadgeSpec } from './render-badge';

export const BADGE_LABEL = 'mail servers';

/**
 * A domain badge shows the last finished check only while it is this recent; older, it says so
 * instead of showing a verdict about servers that may have changed since (certificates renew and
 * expire on 30- to 90-day cycles, so a month-old reading is already a guess).
 */
export const DOMAIN_BADGE_MAX_AGE_DAYS = 30;
const DAY_MS = 86_400_000;

/** Value colours chosen for white text at ≥ 4.5:1 contrast (WCAG AA), in the usual badge hues. */
export const BADGE_COLORS = {
  ok: '#1a7f37',
  info: '#0969da',
  warning: '#b35900',
  critical: '#cf222e',
  neutral: '#6e7781',
} as const;

const VERDICT_COLOR: Record<Verdict, string> = {
  ok: BADGE_COLORS.ok,
  info: BADGE_COLORS.info,
  warning: BADGE_COLORS.warning,
  critical: BADGE_COLORS.critical,
  untested: BADGE_COLORS.neutral,
};

/** The verdict's own words (lower case, as badges write them) on the verdict's colour. */
export const VERDICT_BADGE = Object.fromEntries(
  Object.entries(VERDICT_COLOR).map(([v, color]) => [v, { value: verdictLabel(v as Verdict).toLowerCase(), color }]),
) as Record<Verdict, { value: string; color: string }>;

/**
 * What the badge's title (tooltip, accessible name) says, as facts: another language words it
 * from badge.title.<kind> (lib/i18n/badge-text.ts). `date` is an ISO time.
 */
export interface BadgeAbout {
  kind: 'verdict' | 'noSuchCheck' | 'interrupted' | 'checking' | 'notYet' | 'old' | 'invalid';
  domain?: string;
  date?: string;
  maxDays?: number;
}

/** A badge plus how to serve it. */
export interface BadgeAnswer {
  spec: BadgeSpec;
  status: number;
  cacheControl: string;
  about?: BadgeAbout;
}

/** A finished check never changes: its badge may be cached for ever. */
export const CACHE_IMMUTABLE = 'public, max-age=31536000, immutable';
/** A domain's badge follows its next check: caches (and image proxies) ask again after 5 minutes. */
export const CACHE_DOMAIN = 'public, max-age=300';
/** A check still running, or an answer that may change at any moment. */
export const CACHE_REVALIDATE = 'no-cache';

function neutral(value: string, title: string, status: number, cacheControl: string, about: BadgeAbout): BadgeAnswer {
  return { spec: { label: BADGE_LABEL, value, color: BADGE_COLORS.neutral, title }, status, cacheControl, about };
}

function verdictAbout(result: CheckResult): BadgeAbout {
  return { kind: 'verdict', domain: displayDomainName(result.target), date: result.startedAt };
}

function verdictSpec(result: CheckResult): BadgeSpec {
  const v = VERDICT_BADGE[result.summary.verdict];
  const title = `${BADGE_LABEL} of ${displayDomainName(result.target)}: ${v.value} (checked ${formatDate(result.startedAt)})`;
  return { label: BADGE_LABEL, value: v.value, color: v.color, title };
}

/** The badge of one check: its verdict once done, its state while not. */
export function checkBadge(
  check: { status: CheckStatus; result: CheckResult | null; target: { displayDomain: string } } | null,
): BadgeAnswer {
  if (!check) return neutral('unknown check', `${BADGE_LABEL}: no such check`, 404, CACHE_REVALIDATE, { kind: 'noSuchCheck' });
  if (check.status === 'done' && check.result) return { spec: verdictSpec(check.result), status: 200, cacheControl: CACHE_IMMUTABLE, about: verdictAbout(check.result) };
  const domain = check.target.displayDomain;
  if (check.status === 'interrupted') {
    return neutral('interrupted', `${BADGE_LABEL} of ${domain}: the check was interrupted`, 200, CACHE_IMMUTABLE, { kind: 'interrupted', domain });
  }
  return neutral('checking…', `${BADGE_LABEL} of ${domain}: check in progress`, 200, CACHE_REVALIDATE, { kind: 'checking', domain });
}

/** The badge of a domain: its last finished check while recent enough, otherwise a plain statement. */
export function domainBadge(
  domain: string,
  latest: { finishedAt: number | null; result: CheckResult | null } | null,
  now: number,
  maxAgeDays = DOMAIN_BADGE_MAX_AGE_DAYS,
): BadgeAnswer {
  if (!latest?.result || latest.finishedAt === null) {
    return neutral('not checked yet', `${BADGE_LABEL} of ${domain}: no finished check yet`, 200, CACHE_DOMAIN, { kind: 'notYet', domain });
  }
  const ageDays = Math.floor((now - latest.finishedAt) / DAY_MS);
  if (ageDays >= maxAgeDays) {
    return neutral(
      `last check ${ageDays} days ago`,
      `${BADGE_LABEL} of ${domain}: the last check (${formatDate(latest.result.startedAt)}) is older than ${maxAgeDays} days`,
      200,
      CACHE_DOMAIN,
      { kind: 'old', domain, date: latest.result.startedAt, maxDays: maxAgeDays },
    );
  }
  return { spec: verdictSpec(latest.result), status: 200, cacheControl: CACHE_DOMAIN, about: verdictAbout(latest.result) };
}

export function invalidDomainBadge(): BadgeAnswer {
  return neutral('invalid domain', `${BADGE_LABEL}: not a domain name`, 400, CACHE_REVALIDATE, { kind: 'invalid' });
}
