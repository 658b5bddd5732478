'use client';

import { useTranslations } from 'next-intl';
import { useState } from 'react';
import { buttonSecondary } from '@/components/ui/button-styles';
import { Icon } from '@/components/ui/icon';
import type { CheckMode } from '@/lib/probe/schema';
import { useStartErrorText, useStartFetch } from '@/components/home/start-error-text';
import { useRouter } from '@/lib/i18n/navigation';
import { startCheck } from '@/lib/report/start-check';

/** Starts a fresh check of the same target (the API may hand back a very recent one instead). */
export function RunAgainButton({ domain, mode, currentId }: { domain: string; mode: CheckMode; currentId?: string }) {
  const t = useTranslations('actions');
  const startErrorText = useStartErrorText();
  const startFetch = useStartFetch();
  const router = useRouter();
  const [pending, setPending] = useState(false);
  const [message, setMessage] = useState<string | null>(null);

  async function run() {
    setPending(true);
    setMessage(null);
    const res = await startCheck(domain, mode, startFetch);
    if (res.ok && res.id !== currentId) {
      router.push(res.permalink);
      return;
    }
    setPending(false);
    setMessage(res.ok ? t('recent') : startErrorText(res));
  }

  return (
    <div className="flex flex-col items-start gap-1">
      <button type="button" onClick={run} disabled={pending} className={buttonSecondary}>
        <Icon name="refresh" className={`size-4 ${pending ? 'animate-spin' : ''}`} />
        {pending ? t('starting') : t('runAgain')}
      </button>
      <p role="status" className="max-w-xs text-xs text-zinc-600 dark:text-zinc-400">
        {message}
      </p>
    </div>
  );
}
