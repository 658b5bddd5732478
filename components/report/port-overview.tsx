import type { PortSummary } from '@/lib/probe/schema';
import { StatusBadge } from '@/components/ui/badge';
import { encryptionLabel } from '@/lib/verdict/labels';
import { portLegend } from '@/lib/report/port-legend';
import { PORT_STATUS_META } from '@/lib/report/status';

/** Empty where the encryption words already say it (none) or nothing was measured. */
const DOWNGRADE: Record<PortSummary['downgradeRisk'], string> = {
  none: 'no downgrade possible',
  possible: 'downgrade possible',
  plaintext: '',
  unknown: '',
};

/** The seed article's comparison table, measured: one tile per port across every address. */
export function PortOverview({ ports }: { ports: PortSummary[] }) {
  if (ports.length === 0) return null;
  return (
    <ul className="grid grid-cols-2 gap-2 sm:gap-3 lg:grid-cols-4" aria-label="Summary per port">
      {ports.map((s) => {
        const l = portLegend(s.port);
        return (
          <li key={s.port} className="rounded-xl border border-zinc-200 bg-white p-3 sm:p-4 dark:border-zinc-800 dark:bg-zinc-900">
            <div className="flex flex-wrap items-start justify-between gap-x-2 gap-y-1">
              <p>
                <span className="font-mono text-2xl font-semibold">{s.port}</span>
                <span className="block text-xs text-zinc-600 dark:text-zinc-400">{l.name}</span>
              </p>
              <StatusBadge meta={PORT_STATUS_META[s.status]} />
            </div>
            <p className="mt-2 text-sm text-zinc-800 dark:text-zinc-200">
              {s.answered} of {s.probed} address{s.probed === 1 ? '' : 'es'} answered
            </p>
            {s.answered > 0 ? (
              <p className="mt-0.5 text-xs text-zinc-600 dark:text-zinc-400">
                {[
                  s.encryption === 'unknown' ? 'encryption not measured' : encryptionLabel(s.encryption),
                  DOWNGRADE[s.downgradeRisk],
                  s.auth === 'offered' ? (s.authBeforeTls ? 'AUTH before TLS' : 'AUTH after TLS') : '',
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
