'use client';

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
import { liveProgress } from '@/lib/report/live-state';
import { VERDICT_META } from '@/lib/report/status';
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
}

/**
 * A running check, live: replays what the server rendered, then follows the SSE stream (named
 * events, each parsed with the server's own schema) until 'check-done', and then shows the report.
 */
export function LiveCheck(props: LiveCheckProps) {
  const { checkId, target, permalink } = props;
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
          Check finished. {VERDICT_META[state.result.summary.verdict].label}.
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
            {state.interrupted ? 'Check interrupted' : target.mode === 'host' ? 'Checking one server' : 'Checking the mail servers of'}
          </p>
          <h1 className="mt-0.5 text-2xl font-semibold tracking-tight break-all sm:text-3xl">{displayDomainName(target)}</h1>
          <div className="mt-3 flex flex-wrap items-center gap-x-3 gap-y-1 text-sm">
            <p role="status" aria-live="polite" className="font-medium">
              {state.lastSeq === 0 && !state.interrupted && props.queued ? 'Queued: waiting for a free slot…' : progress.text}
            </p>
            {!state.interrupted ? <ConnectionState conn={conn} /> : null}
          </div>
          <ProgressBar value={progress.done} max={Math.max(1, progress.total)} className="mt-3 h-1.5 max-w-md" />
        </div>
        <div className="flex flex-wrap items-start gap-2">
          <CopyButton value={permalink} absolute label="Copy link" className={buttonSecondary} />
          {!state.interrupted ? <EmbedDialog checkId={checkId} target={target} /> : null}
          {state.interrupted ? <RunAgainButton domain={target.domain} mode={target.mode} currentId={checkId} /> : null}
        </div>
      </header>

      {!state.interrupted ? (
        <noscript>
          <p className="rounded-lg border border-zinc-300 bg-white p-4 text-sm dark:border-zinc-700 dark:bg-zinc-900">
            This page follows the check live with JavaScript. Without it, reload the page to see progress: the full
            report appears here once the check is done.
          </p>
        </noscript>
      ) : null}

      {state.interrupted ? (
        <p className="rounded-lg border border-amber-300 bg-amber-50 p-4 text-sm text-amber-900 dark:border-amber-700 dark:bg-amber-950/50 dark:text-amber-200">
          <Icon name="warning" className="mr-1 inline size-4 align-[-3px]" />
          This check stopped before it finished{reasonText(props.interruptedReason)}. What was measured is shown below;
          run it again for a full report.
        </p>
      ) : null}

      {state.rows.length ? (
        <Section id="live-ports" title="Probes" description="Each cell follows one connection: connect, greeting, EHLO, TLS, done.">
          <LiveTable rows={state.rows} now={finished ? null : now} />
        </Section>
      ) : null}

      {state.policy ? (
        <Section id="live-policy" title="Policy" description="MTA-STS and TLS-RPT, as they arrive.">
          <PolicySection policy={state.policy} />
        </Section>
      ) : null}

      {state.dns && state.target ? (
        <Section id="live-dns" title="MX records and addresses">
          <DnsSummary dns={state.dns} domain={state.target.displayDomain} />
        </Section>
      ) : null}
    </div>
  );
}

function reasonText(reason: string | null | undefined): string {
  if (!reason) return '';
  if (reason === 'shutdown') return ': mxray was shutting down';
  if (reason === 'restart') return ': mxray restarted';
  if (reason.startsWith('engine-error')) return ': an internal error stopped it';
  return ` (${reason})`;
}

function ConnectionState({ conn }: { conn: Connection }) {
  const text = {
    connecting: 'Connecting to live updates…',
    live: 'Live',
    reconnecting: 'Reconnecting…',
    closed: 'Live updates stopped.',
  }[conn];
  return (
    <span className="inline-flex items-center gap-1.5 text-xs text-zinc-600 dark:text-zinc-400">
      <span aria-hidden="true" className={`size-2 rounded-full ${conn === 'live' ? 'bg-emerald-500' : conn === 'closed' ? 'bg-zinc-400' : 'bg-amber-500'}`} />
      {text}
      {conn === 'closed' ? (
        <a href="" className="font-medium text-indigo-700 underline dark:text-indigo-300">
          Reload
        </a>
      ) : null}
    </span>
  );
}
