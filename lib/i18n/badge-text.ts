/**
 * Badge text in another language (`?lang=fr` on /badge/…): the badge's state is read back from
 * lib/badge/badge-state.ts's closed set of values (the verdict table and the neutral states) and
 * worded from messages/<locale>.json. English badges are left exactly as rendered.
 */
import type { BadgeAnswer } from '@/lib/badge/badge-state';
import { BADGE_LABEL, VERDICT_BADGE } from '@/lib/badge/badge-state';
import en from '@/messages/en.json';
import fr from '@/messages/fr.json';
import { formatDateIn } from './format';
import type { Locale } from './locales';

const TEXT: Record<Locale, typeof en.badge> = { en: en.badge, fr: fr.badge };

function valueIn(locale: Locale, value: string): string {
  const t = TEXT[locale];
  const verdict = (Object.entries(VERDICT_BADGE) as [keyof typeof t.verdict, { value: string }][]).find(([, v]) => v.value === value)?.[0];
  if (verdict) return t.verdict[verdict];
  const neutral: Record<string, string> = {
    'unknown check': t.unknown,
    interrupted: t.interrupted,
    'checking…': t.checking,
    'not checked yet': t.notYet,
    'invalid domain': t.invalid,
  };
  if (value in neutral) return neutral[value]!;
  const old = /^last check (\d+) days ago$/.exec(value);
  return old ? t.old.replace('{days}', old[1]!) : value;
}

/** "{label} of {domain}: …" from the badge's facts, with the date in the language's own form. */
function titleIn(locale: Locale, answer: BadgeAnswer, label: string, value: string): string {
  const about = answer.about;
  if (!about) return `${label}\u00a0: ${value}`;
  const template = TEXT[locale].title[about.kind];
  const values: Record<string, string> = {
    label,
    value,
    domain: about.domain ?? '',
    date: about.date ? formatDateIn(locale, about.date) : '',
    maxDays: String(about.maxDays ?? ''),
  };
  return template.replace(/\{(\w+)\}/g, (m, k: string) => values[k] ?? m);
}

export function localizeBadge(answer: BadgeAnswer, locale: Locale): BadgeAnswer {
  if (locale === 'en' || answer.spec.label !== BADGE_LABEL) return answer;
  const label = TEXT[locale].label;
  const value = valueIn(locale, answer.spec.value);
  return { ...answer, spec: { ...answer.spec, label, value, title: titleIn(locale, answer, label, value) } };
}

/** Badges are cached publicly: only an explicit ?lang= changes them, never Accept-Language. */
export function badgeLocale(url: string): Locale {
  return new URL(url).searchParams.get('lang') === 'fr' ? 'fr' : 'en';
}
