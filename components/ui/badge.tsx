import type { StatusMeta } from '@/lib/report/status';
import { Icon } from './icon';
import { TONE_BADGE } from './tone';

/** A status word with its icon; never colour alone. */
export function StatusBadge({
  meta,
  size = 'sm',
  label,
}: {
  meta: StatusMeta;
  size?: 'sm' | 'lg';
  /** override the word (e.g. "Critical · 3") */
  label?: string;
}) {
  const sizing = size === 'lg' ? 'gap-2 px-3 py-1.5 text-base font-semibold' : 'gap-1 px-2 py-0.5 text-xs font-medium';
  return (
    <span className={`inline-flex items-center rounded-full whitespace-nowrap ring-1 ring-inset ${sizing} ${TONE_BADGE[meta.tone]}`}>
      <Icon name={meta.icon} className={size === 'lg' ? 'size-5' : 'size-3.5'} />
      {label ?? meta.label}
    </span>
  );
}
