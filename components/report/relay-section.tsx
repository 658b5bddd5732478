import { useTranslations } from 'next-intl';
import { useAddressLabel } from './address-label';
import { StatusBadge } from '@/components/ui/badge';
import { say, type Translate } from '@/lib/i18n/msg';
import type { CheckResult } from '@/lib/probe/schema';
import { relayRows } from '@/lib/report/relay';

/**
 * The open relay test, one "Relay" line per MX address: the status word (with the bypass form when
 * one was accepted) and why. The steps themselves are in the port 25 transcript.
 */
export function RelaySection({ result }: { result: CheckResult }) {
  const t = useTranslations() as unknown as Translate;
  const rows = relayRows(result);
  const addr = useAddressLabel();
  if (rows.length === 0) return null;
  return (
    <ul className="divide-y divide-zinc-100 rounded-xl border border-zinc-200 bg-white px-4 dark:divide-zinc-800 dark:border-zinc-800 dark:bg-zinc-900">
      {rows.map((r) => (
        <li key={r.address} className="grid gap-x-4 gap-y-1 py-3 text-sm sm:grid-cols-[minmax(0,16rem)_1fr]">
          <span className="min-w-0">
            <span className="font-mono break-all">{addr(r.address)}</span>
            <span className="block text-xs break-all text-zinc-500 dark:text-zinc-400">{r.hosts.join(', ')}</span>
          </span>
          <span className="flex min-w-0 flex-wrap items-baseline gap-x-2 gap-y-1">
            <span className="text-zinc-500 dark:text-zinc-400">{t('relay.word')}</span>
            <StatusBadge meta={r.meta} label={say(t, r.label)} />
            <span className="break-words text-zinc-700 dark:text-zinc-300">{say(t, r.detail)}</span>
          </span>
        </li>
      ))}
    </ul>
  );
}
