'use client';

import type { CheckEvent, CheckInput } from '@/lib/probe/schema';
import { embedFromLive } from '@/lib/embed/embed-view';
import type { EmbedTheme } from '@/lib/embed/theme';
import { EmbedWidget } from './embed-widget';
import { useLiveCheck } from '@/components/live/use-live-check';

/** The widget of a running check: follows its events and turns into the final widget at the end. */
export function LiveEmbed({
  checkId,
  target,
  status,
  initialEvents,
  theme,
}: {
  checkId: string;
  target: CheckInput;
  status: 'running' | 'interrupted';
  initialEvents: { seq: number; event: CheckEvent }[];
  theme: EmbedTheme;
}) {
  const { state } = useLiveCheck(checkId, initialEvents, status);
  return <EmbedWidget model={embedFromLive(checkId, target, state)} theme={theme} />;
}
