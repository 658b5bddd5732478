import { useTranslations } from 'next-intl';
import type { Summary } from '@/lib/probe/schema';
import { useFormatters } from '@/lib/i18n/use-i18n';
import { Icon, type IconName } from '@/components/ui/icon';

type Rec = Summary['recommendation']['mailClient'];

function RecCard({ who, example, icon, rec }: { who: string; example?: string; icon: IconName; rec: Rec }) {
  const t = useTranslations();
  const f = useFormatters();
  return (
    <div className="flex gap-4 rounded-xl border border-zinc-200 bg-white p-4 sm:p-5 dark:border-zinc-800 dark:bg-zinc-900">
      <div className="flex size-10 shrink-0 items-center justify-center rounded-lg bg-indigo-50 text-indigo-700 dark:bg-indigo-950 dark:text-indigo-300">
        <Icon name={icon} className="size-5" />
      </div>
      <div className="min-w-0">
        <h3 className="text-sm font-medium text-zinc-600 dark:text-zinc-400">
          {who}
          {example ? <span className="font-normal"> ({example})</span> : null}
        </h3>
        <p className="mt-0.5 text-lg font-semibold">
          {rec.port !== null ? (
            <>
              {t('report.rec.port')} <span className="font-mono">{rec.port}</span>
              {rec.encryption ? <span className="font-normal text-zinc-700 dark:text-zinc-300"> · {t(`status.encryption.${rec.encryption}`)}</span> : null}
            </>
          ) : (
            t('report.rec.none')
          )}
        </p>
        <p className="mt-1 text-sm text-zinc-700 dark:text-zinc-300">{f.recommendation(rec.reason)}</p>
      </div>
    </div>
  );
}

export function Recommendation({ recommendation }: { recommendation: Summary['recommendation'] }) {
  const t = useTranslations('report.rec');
  const { mailClient: c, application: a } = recommendation;
  // Nothing to recommend for either: one card, not the same sentence twice.
  if (c.port === null && a.port === null && c.reason === a.reason) {
    return <RecCard who={t('both')} icon="mail" rec={c} />;
  }
  return (
    <div className="grid gap-3 md:grid-cols-2">
      <RecCard who={t('client')} example={t('clientExample')} icon="mail" rec={recommendation.mailClient} />
      <RecCard who={t('app')} example={t('appExample')} icon="server" rec={recommendation.application} />
    </div>
  );
}
