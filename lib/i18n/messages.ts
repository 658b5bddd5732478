/**
 * The messages next-intl hands to pages and client components: one JSON file per language
 * (messages/<locale>.json). Finding and recommendation texts are keyed by codes that contain dots,
 * which next-intl reads as nesting, so they stay out of this tree and go through
 * lib/i18n/finding-text.ts instead.
 */
import en from '@/messages/en.json';
import fr from '@/messages/fr.json';
import type { Locale } from './locales';

export type UiMessages = typeof en;

function withoutCatalogue({ findings: _f, recommendations: _r, ...ui }: typeof fr): UiMessages {
  return ui;
}

const UI: Record<Locale, UiMessages> = { en, fr: withoutCatalogue(fr) };

export function uiMessages(locale: Locale): UiMessages {
  return UI[locale];
}
