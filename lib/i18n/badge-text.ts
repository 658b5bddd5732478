/**
 * Badge text in another language (`?lang=fr` on /badge/…): the badge's state is read back from
 * lib/badge/badge-state.ts's closed set of values (the verdict table and the neutral states) and
 * worded from messages/<locale>.json. English badges are left exactly as rendered.
 */
import type { BadgeAnswer } from '@/lib/badge/badge-state';
import { BADGE_LABEL, VERDICT_BADGE } from '@/lib/badge/badge-state';
import en from '@/messages/en.json';
import fr from '@/messages/fr.json';
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

export function localizeBadge(answer: BadgeAnswer, locale: Locale): BadgeAnswer {
  if (locale === 'en' || answer.spec.label !== BADGE_LABEL) return answer;
  const label = TEXT[locale].label;
  const value = valueIn(locale, answer.spec.value);
  return { ...answer, spec: { ...answer.spec, label, value, title: `${label} : ${value}` } };
}

/** Badges are cached publicly: only an explicit ?lang= changes them, never Accept-Language. */
export function badgeLocale(url: string): Locale {
  return new URL(url).searchParams.get('lang') === 'fr' ? 'fr' : 'en';
}
