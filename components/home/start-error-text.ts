
import { useLocale, useTranslations } from 'next-intl';
import type { StartCheckResult } from '@/lib/report/start-check';

type Failure = Extract<StartCheckResult, { ok: false }>;

/**
 * A failed start in the page's language. Failures mxray words itself (network, overload) come
 * from the message file by code; the API's own validation messages already follow `?lang=`
 * (see startFetch), so they are shown as sent.
 */
export function useStartErrorText(): (failure: Failure) => string {
  const t = useTranslations('form.errors');
  return (failure) => {
    if (failure.code === 'network') return t('network');
    if (failure.code === 'bad_response') return t('badResponse');
    if (failure.code === 'rate_limited' || failure.code === 'saturated') {
      const s = failure.retryAfterSeconds;
      const wait = s === undefined ? null : s < 60 ? t('seconds', { count: s }) : t('minutes', { count: Math.ceil(s / 60) });
      return `${t(failure.code === 'rate_limited' ? 'tooMany' : 'busy')} ${wait ? t('retryIn', { wait }) : t('retryMoment')}`;
    }
    return failure.message;
  };
}

/** fetch for startCheck that asks the API to word its errors in the page's language. */
export function useStartFetch(): typeof fetch {
  const locale = useLocale();
  return (input, init) => fetch(`${String(input)}?lang=${locale}`, init);
}
