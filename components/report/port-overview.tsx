import { useTranslations } from 'next-intl';
import type { PortSummary } from '@/lib/probe/schema';
import { StatusBadge } from '@/components/ui/badge';
import { portLegend } from '@/lib/report/port-legend';
import { PORT_STATUS_META } from '@/lib/report/status';

/** Empty where the encryption words already say it (none) or nothing was measured. */
const DOWNGRADE: Record<PortSummary['downgradeRisk'], 'downgradeNone' | 'downgradePossible' | null> = {
  none: 'downgradeNone',
  possible: 'downgradePossible',
  plaintext: null,
  unknown: null,
};

/** The seed article's comparison table, measured: one tile per port across every address. */
export function PortOverview({ ports }: { ports: PortSummary[] }) {
  const t = useTranslations('report.overview');
  const status = useTranslations('status');
  const names = useTranslations('ports');
  if (ports.length === 0) return null;
  return (
    <ul className="grid grid-cols-2 gap-2 sm:gap-3 lg:grid-cols-4" aria-label={t('label')}>
      {ports.map((s) => {
        const downgrade = DOWNGRADE[s.downgradeRisk];
        return (
          <li key={s.port} className="rounded-xl border border-zinc-200 bg-white p-3 sm:p-4 dark:border-zinc-800 dark:bg-zinc-900">
            <div className="flex flex-wrap items-start justify-between gap-x-2 gap-y-1">
              <p>
                <span className="font-mono text-2xl font-semibold">{s.port}</span>
                <span className="block text-xs text-zinc-600 dark:text-zinc-400">{names(`${s.port}.name`)}</span>
              </p>
              <StatusBadge meta={PORT_STATUS_META[s.status]} label={status(`port.${s.status}`)} />
            </div>
            <p className="mt-2 text-sm text-zinc-800 dark:text-zinc-200">
              {t('answered', { answered: s.answered, probed: s.probed })}
            </p>
            {s.answered > 0 ? (
              <p className="mt-0.5 text-xs text-zinc-600 dark:text-zinc-400">
                {[
                  s.encryption === 'unknown' ? t('notMeasured') : status(`encryption.${s.encryption}`),
                  downgrade ? t(downgrade) : '',
                  s.auth === 'offered' ? (s.authBeforeTls ? t('authBefore') : t('authAfter')) : '',
                ]
                  .filter(Boolean)
                  .join(' · ')}
              </p>
            ) : null}
          </li>
        );
      })}
    </ul>
  );
}
