'use client';

import { useTranslations } from 'next-intl';
import { useState } from 'react';
import { buttonSecondary } from '@/components/ui/button-styles';
import { useRouter } from '@/lib/i18n/navigation';

/** Seconds to wait when the API refused "Run now" for its cooldown (not for the address's rate limit); else null. */
async function runNowCooldown(res: Response): Promise<number | null> {
  const body = (await res.json().catch(() => null)) as { error?: { details?: { reason?: unknown; retryAfterSec?: unknown } } } | null;
  const details = body?.error?.details;
  if (details?.reason !== 'run-now-cooldown') return null;
  const sec = Number(details.retryAfterSec ?? res.headers.get('Retry-After'));
  return Number.isFinite(sec) && sec > 0 ? Math.ceil(sec) : 1;
}

/** Pause or resume, run now, delete: PATCH and DELETE on /api/monitors/<token>, then a fresh page. */
export function MonitorActions({ token, paused }: { token: string; paused: boolean }) {
  const t = useTranslations('monitors');
  const router = useRouter();
  const [pending, setPending] = useState(false);
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);
  const [deleted, setDeleted] = useState(false);
  const url = `/api/monitors/${encodeURIComponent(token)}`;

  async function send(init: RequestInit, done: () => void) {
    setPending(true);
    setMessage(null);
    try {
      const res = await fetch(url, init);
      const cooldown = res.status === 429 ? await runNowCooldown(res) : null;
      if (cooldown !== null) {
        setMessage({ text: t('runNowCooldown', { seconds: cooldown }), error: true });
        return;
      }
      if (!res.ok) throw new Error(String(res.status));
      done();
    } catch {
      setMessage({ text: t('actionFailed'), error: true });
    } finally {
      setPending(false);
    }
  }

  const patch = (body: object, after?: string) =>
    send({ method: 'PATCH', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }, () => {
      if (after) setMessage({ text: after, error: false });
      router.refresh();
    });

  if (deleted) {
    return (
      <p role="status" className="text-sm font-medium">
        {t('deleted')}
      </p>
    );
  }

  return (
    <div>
      <div className="flex flex-wrap gap-2">
        <button type="button" className={buttonSecondary} disabled={pending} onClick={() => patch({ paused: !paused })}>
          {paused ? t('resume') : t('pause')}
        </button>
        {paused ? null : (
          <button type="button" className={buttonSecondary} disabled={pending} onClick={() => patch({ runNow: true }, t('runRequested'))}>
            {t('runNow')}
          </button>
        )}
        <button
          type="button"
          className={`${buttonSecondary} text-red-700 dark:text-red-400`}
          disabled={pending}
          onClick={() => {
            if (window.confirm(t('deleteConfirm'))) void send({ method: 'DELETE' }, () => setDeleted(true));
          }}
        >
          {t('delete')}
        </button>
      </div>
      <p role="status" className={`mt-2 min-h-5 text-sm ${message?.error ? 'text-red-700 dark:text-red-400' : 'text-zinc-700 dark:text-zinc-300'}`}>
        {message?.text ?? ''}
      </p>
    </div>
  );
}
