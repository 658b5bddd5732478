/**
 * Icons and tones for the closed status vocabularies, so a status is never told by colour alone:
 * every badge shows an icon and its word, and its tone is only a reinforcement. The words come
 * from the interpretation layer's label table (lib/verdict/labels.ts).
 */
import type { PortStatus, Severity, Summary } from '@/lib/probe/schema';
import { severityLabel, statusLabel, verdictLabel } from '@/lib/verdict/labels';

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

const SEVERITY_LOOK: Record<Severity, Omit<StatusMeta, 'label'>> = {
  ok: { icon: 'check', tone: 'good' },
  info: { icon: 'info', tone: 'note' },
  warning: { icon: 'warning', tone: 'warn' },
  critical: { icon: 'cross', tone: 'bad' },
};

const withLabels = <K extends string>(look: Record<K, Omit<StatusMeta, 'label'>>, word: (k: K) => string) =>
  Object.fromEntries(Object.entries(look).map(([k, v]) => [k, { ...(v as object), label: word(k as K) }])) as Record<K, StatusMeta>;

export const SEVERITY_META: Record<Severity, StatusMeta> = withLabels(SEVERITY_LOOK, severityLabel);

export const VERDICT_META: Record<Verdict, StatusMeta> = withLabels<Verdict>(
  { ...SEVERITY_LOOK, untested: { icon: 'question', tone: 'muted' } },
  verdictLabel,
);

export const PORT_STATUS_META: Record<PortStatus, StatusMeta> = withLabels<PortStatus>(
  {
    ...SEVERITY_LOOK,
    untested: { icon: 'question', tone: 'muted' },
    closed: { icon: 'minus', tone: 'muted' },
    blocked: { icon: 'blocked', tone: 'muted' },
  },
  statusLabel,
);
