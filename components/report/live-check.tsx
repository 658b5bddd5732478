'use client';

import { useTranslations } from 'next-intl';
import { displayDomainName } from '@/lib/probe/homograph';
import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState } from 'react';
import type { CheckEvent, CheckInput } from '@/lib/probe/schema';
import { useLiveCheck, type LiveConnection } from '@/components/live/use-live-check';
import { Section } from '@/components/ui/card';
import { buttonSecondary } from '@/components/ui/button-styles';
import { CopyButton } from '@/components/ui/copy-button';
import { Icon } from '@/components/ui/icon';
import { ProgressBar } from '@/components/ui/progress-bar';
import { liveProgress, type LiveState } from '@/lib/report/live-state';
import { DnsSummary } from './dns-summary';
import { PolicySection } from './policy-section';
import { EmbedDialog } from './embed-dialog';
import { LiveTable } from './live-table';
import { Report } from './report';
import { RunAgainButton } from './run-again-button';

type Connection = LiveConnection;

export interface LiveCheckProps {
  checkId: string;
  target: CheckInput;
  status: 'running' | 'interrupted';
  /** waiting for a free slot on the server */
  queued?: boolean;
  /** events stored when the page was rendered, as { seq, event } */
  initialEvents: { seq: number; event: CheckEvent }[];
  /** server clock: when the check was created and when the page was rendered (ms since epoch) */
  createdAt: number;
  serverNow: number;
  permalink: string;
  interruptedReason?: string | null;
  /** when an interrupted check ended (ms since epoch): how long a 'no-worker' check waited */
  finishedAt?: number | null;
}

/**
 * A running check, live: replays what the server rendered, then follows the SSE stream (named
 * events, each parsed with the server's own schema) until 'check-done', and then shows the report.
 */
/** The progress sentence for the aria-live region, by the same counts liveProgress uses. */
function useProgressText(): (state: LiveState, p: { done: number; total: number }) => string {
  const t = useTranslations('live');
  return (state, { done, total }) => {
    if (state.result) return t('progressDone', { total });
    if (state.interrupted) return t('progressInterrupted', { done, total });
    if (total > 0) return t('progress', { done, total });
    return state.dns ? t('progressDns') : t('progressMx');
  };
}

export function LiveCheck(props: LiveCheckProps) {
  const { checkId, target, permalink } = props;
  const t = useTranslations('live');
  const verdictWord = useTranslations('status.verdict');
  const progressText = useProgressText();
  const report = useTranslations('report');
  const policyWords = useTranslations('policy');
  const router = useRouter();
  const [now, setNow] = useState<number | null>(null);
  /** client clock minus server clock, so timers tick on the server's time base */
  const offset = useRef(0);
  // Stored events are dated at the check's creation, the best we know (probes start right after DNS).
  const { state, connection: conn } = useLiveCheck(checkId, props.initialEvents, props.status, {
    initialAt: props.createdAt,
    now: () => Date.now() - offset.current,
    // The refreshed page reads the interruption's reason from the store.
    onInterrupted: () => router.refresh(),
  });

  const finished = Boolean(state.result) || state.interrupted;

  useEffect(() => {
    offset.current = Date.now() - props.serverNow;
  }, [props.serverNow]);

  useEffect(() => {
    if (finished) return;
    const tick = () => setNow(Date.now() - offset.current);
    tick();
    const t = setInterval(tick, 250);
    return () => clearInterval(t);
  }, [finished]);

  const progress = liveProgress(state);

  if (state.result) {
    return (
      <>
        <p role="status" className="sr-only">
          {t('finished', { verdict: verdictWord(state.result.summary.verdict) })}
        </p>
        <Report result={state.result} permalink={permalink} checkId={checkId} />
      </>
    );
  }

  return (
    <div className="space-y-8">
      <header className="flex flex-col gap-4 md:flex-row md:items-start md:justify-between">
        <div className="min-w-0">
          <p className="text-sm font-medium text-zinc-600 dark:text-zinc-400">
            {state.interrupted ? t('interrupted') : target.mode === 'host' ? t('checkingHost') : t('checkingDomain')}
          </p>
          <h1 className="mt-0.5 text-2xl font-semibold tracking-tight break-all sm:text-3xl">{displayDomainName(target)}</h1>
          <div className="mt-3 flex flex-wrap items-center gap-x-3 gap-y-1 text-sm">
            <p role="status" aria-live="polite" className="font-medium">
              {state.lastSeq === 0 && !state.interrupted && props.queued ? t('queued') : progressText(state, progress)}
            </p>
            {!state.interrupted ? <ConnectionState conn={conn} /> : null}
          </div>
          <ProgressBar value={progress.done} max={Math.max(1, progress.total)} className="mt-3 h-1.5 max-w-md" />
        </div>
        <div className="flex flex-wrap items-start gap-2">
          <CopyButton value={permalink} absolute label={report('copyLink')} className={buttonSecondary} />
          {!state.interrupted ? <EmbedDialog checkId={checkId} target={target} /> : null}
          {state.interrupted ? <RunAgainButton domain={target.domain} mode={target.mode} currentId={checkId} /> : null}
        </div>
      </header>

      {!state.interrupted ? (
        <noscript>
          <p className="rounded-lg border border-zinc-300 bg-white p-4 text-sm dark:border-zinc-700 dark:bg-zinc-900">
            {t('noscript')}
          </p>
        </noscript>
      ) : null}

      {state.interrupted ? (
        <p className="rounded-lg border border-amber-300 bg-amber-50 p-4 text-sm text-amber-900 dark:border-amber-700 dark:bg-amber-950/50 dark:text-amber-200">
          <Icon name="warning" className="mr-1 inline size-4 align-[-3px]" />
          {t('stopped', {
            reason: reasonText(props.interruptedReason, t, {
              vantage: target.vantage ?? '',
              seconds: Math.round(((props.finishedAt ?? props.serverNow) - props.createdAt) / 1000),
            }),
          })}
        </p>
      ) : null}

      {state.rows.length ? (
        <Section id="live-ports" title={t('probes')} description={t('probesText')}>
          <LiveTable rows={state.rows} now={finished ? null : now} />
        </Section>
      ) : null}

      {state.policy ? (
        <Section id="live-policy" title={policyWords('title')} description={policyWords('liveText')}>
          <PolicySection policy={state.policy} />
        </Section>
      ) : null}

      {state.dns && state.target ? (
        <Section id="live-dns" title={report('sections.dns')}>
          <DnsSummary dns={state.dns} domain={state.target.displayDomain} />
        </Section>
      ) : null}
    </div>
  );
}

function reasonText(
  reason: string | null | undefined,
  t: ReturnType<typeof useTranslations<'live'>>,
  waited: { vantage: string; seconds: number },
): string {
  if (!reason) return '';
  if (reason === 'shutdown') return t('reasonShutdown');
  if (reason === 'restart') return t('reasonRestart');
  // scaled mode (lib/scale/lost-check.ts)
  if (reason === 'worker-lost') return t('reasonWorkerLost');
  if (reason === 'no-worker') return t('reasonNoWorker', waited);
  if (reason.startsWith('engine-error')) return t('reasonError');
  return ` (${reason})`;
}

function ConnectionState({ conn }: { conn: Connection }) {
  const t = useTranslations('live');
  const text = t(`conn.${conn}`);
  return (
    <span className="inline-flex items-center gap-1.5 text-xs text-zinc-600 dark:text-zinc-400">
      <span aria-hidden="true" className={`size-2 rounded-full ${conn === 'live' ? 'bg-emerald-500' : conn === 'closed' ? 'bg-zinc-400' : 'bg-amber-500'}`} />
      {text}
      {conn === 'closed' ? (
        <a href="" className="font-medium text-indigo-700 underline dark:text-indigo-300">
          {t('reload')}
        </a>
      ) : null}
    </span>
  );
}
