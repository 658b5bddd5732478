/** Tailwind classes per tone. Colour only reinforces: badges always carry an icon and a word. */
import type { Tone } from '@/lib/report/status';

export const TONE_BADGE: Record<Tone, string> = {
  good: 'bg-emerald-50 text-emerald-800 ring-emerald-600/25 dark:bg-emerald-950/60 dark:text-emerald-300 dark:ring-emerald-400/30',
  note: 'bg-sky-50 text-sky-800 ring-sky-600/25 dark:bg-sky-950/60 dark:text-sky-300 dark:ring-sky-400/30',
  warn: 'bg-amber-50 text-amber-900 ring-amber-600/30 dark:bg-amber-950/60 dark:text-amber-300 dark:ring-amber-400/30',
  bad: 'bg-red-50 text-red-800 ring-red-600/25 dark:bg-red-950/60 dark:text-red-300 dark:ring-red-400/30',
  muted: 'bg-zinc-100 text-zinc-700 ring-zinc-500/25 dark:bg-zinc-800/70 dark:text-zinc-300 dark:ring-zinc-400/25',
};

/** A thin left border marking a panel's tone. */
export const TONE_BORDER: Record<Tone, string> = {
  good: 'border-l-emerald-500',
  note: 'border-l-sky-500',
  warn: 'border-l-amber-500',
  bad: 'border-l-red-500',
  muted: 'border-l-zinc-400 dark:border-l-zinc-600',
};

export const TONE_TEXT: Record<Tone, string> = {
  good: 'text-emerald-700 dark:text-emerald-400',
  note: 'text-sky-700 dark:text-sky-400',
  warn: 'text-amber-700 dark:text-amber-400',
  bad: 'text-red-700 dark:text-red-400',
  muted: 'text-zinc-600 dark:text-zinc-400',
};
