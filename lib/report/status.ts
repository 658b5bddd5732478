/**
 * Words for the closed status vocabularies, so a status is never told by colour alone: every
 * badge shows an icon and one of these words, and its tone is only a reinforcement.
 */
import type { PortStatus, Severity, Summary } from '@/lib/probe/schema';

export type Verdict = Summary['verdict'];

/** Visual tone; components map it to classes. */
export type Tone = 'good' | 'note' | 'warn' | 'bad' | 'muted';

/** Icon names drawn by components/ui/icon.tsx. */
export type IconName = 'check' | 'info' | 'warning' | 'cross' | 'question' | 'minus' | 'blocked';

export interface StatusMeta {
  label: string;
  icon: IconName;
  tone: Tone;
}

export const SEVERITY_META: Record<Severity, StatusMeta> = {
  ok: { label: 'OK', icon: 'check', tone: 'good' },
  info: { label: 'Info', icon: 'info', tone: 'note' },
  warning: { label: 'Warning', icon: 'warning', tone: 'warn' },
  critical: { label: 'Critical', icon: 'cross', tone: 'bad' },
};

export const VERDICT_META: Record<Verdict, StatusMeta> = {
  ok: { label: 'All good', icon: 'check', tone: 'good' },
  info: { label: 'Good, with notes', icon: 'info', tone: 'note' },
  warning: { label: 'Needs attention', icon: 'warning', tone: 'warn' },
  critical: { label: 'Problems found', icon: 'cross', tone: 'bad' },
  untested: { label: 'Could not test', icon: 'question', tone: 'muted' },
};

export const PORT_STATUS_META: Record<PortStatus, StatusMeta> = {
  ok: { label: 'OK', icon: 'check', tone: 'good' },
  info: { label: 'OK, notes', icon: 'info', tone: 'note' },
  warning: { label: 'Warning', icon: 'warning', tone: 'warn' },
  critical: { label: 'Critical', icon: 'cross', tone: 'bad' },
  untested: { label: 'Not tested', icon: 'question', tone: 'muted' },
  closed: { label: 'Closed', icon: 'minus', tone: 'muted' },
  blocked: { label: 'Not probed', icon: 'blocked', tone: 'muted' },
};

const SEVERITY_RANK: Record<Severity, number> = { ok: 0, info: 1, warning: 2, critical: 3 };

/** Most severe first. */
export const SEVERITY_ORDER: readonly Severity[] = ['critical', 'warning', 'info', 'ok'];

export function worstSeverity(severities: Iterable<Severity>): Severity | null {
  let worst: Severity | null = null;
  for (const s of severities) if (worst === null || SEVERITY_RANK[s] > SEVERITY_RANK[worst]) worst = s;
  return worst;
}
