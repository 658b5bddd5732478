'use client';

import type { CheckEvent, CheckInput } from '@/lib/probe/schema';
import { embedFromLive } from '@/lib/embed/embed-view';
import type { EmbedTheme } from '@/lib/embed/theme';
import type { EmbedVantages } from '@/lib/embed/embed-vantages';
import { EmbedWidget } from './embed-widget';
import { useLiveCheck } from '@/components/live/use-live-check';

/** The widget of a running check: follows its events and turns into the final widget at the end. */
export function LiveEmbed({
  checkId,
  target,
  status,
  initialEvents,
  theme,
  vantages,
}: {
  checkId: string;
  target: CheckInput;
  status: 'running' | 'interrupted';
  initialEvents: { seq: number; event: CheckEvent }[];
  theme: EmbedTheme;
  /** as the server saw the group when it rendered the page */
  vantages?: EmbedVantages | undefined;
}) {
  const { state } = useLiveCheck(checkId, initialEvents, status);
  return <EmbedWidget model={embedFromLive(checkId, target, state)} theme={theme} vantages={vantages} />;
}
