import { useTranslations } from 'next-intl';
import { StatusBadge } from '@/components/ui/badge';
import { Card } from '@/components/ui/card';
import { TONE_BORDER } from '@/components/ui/tone';
import type { Change } from '@/lib/history/schemas';
import { changeWords } from '@/lib/history/describe-change';
import { say, type Translate } from '@/lib/i18n/msg';
import { useAppLocale } from '@/lib/i18n/use-i18n';
import type { IconName, Tone } from '@/lib/report/status';

const TONE_ICON: Record<Tone, IconName> = { good: 'check', bad: 'cross', warn: 'warning', note: 'info', muted: 'minus' };
const TONE_WORD: Record<Tone, 'better' | 'worse' | 'changed'> = { good: 'better', bad: 'worse', warn: 'changed', note: 'changed', muted: 'changed' };

/** The change list as sentences: subject, what changed, and a worded badge (never colour alone). */
export function ChangeList({ changes }: { changes: readonly Change[] }) {
  const t = useTranslations() as unknown as Translate;
  const locale = useAppLocale();
  if (changes.length === 0) {
    return (
      <Card className="p-4">
        <p className="text-sm text-zinc-700 dark:text-zinc-300">{t('compare.nothing')}</p>
      </Card>
    );
  }
  return (
    <Card>
      <ul className="divide-y divide-zinc-200 dark:divide-zinc-800" data-testid="change-list">
        {changes.map((c, i) => {
          const d = changeWords(c, locale);
          return (
            <li key={i} className={`flex flex-wrap items-baseline gap-x-3 gap-y-1 border-l-4 px-4 py-2.5 ${TONE_BORDER[d.tone]}`}>
              <StatusBadge meta={{ label: t(`compare.tone.${TONE_WORD[d.tone]}`), icon: TONE_ICON[d.tone], tone: d.tone }} />
              <span className="font-mono text-xs break-all text-zinc-600 dark:text-zinc-400">{say(t, d.subject)}</span>
              <span className="text-sm text-zinc-900 dark:text-zinc-100">{say(t, d.text)}</span>
            </li>
          );
        })}
      </ul>
    </Card>
  );
}
