import type { CheckPageView } from '@/lib/checks/load-check-view';
import { embedFromResult } from '@/lib/embed/embed-view';
import type { EmbedTheme } from '@/lib/embed/theme';
import { EMBED_ROOT_ID, EmbedWidget } from './embed-widget';
import { FrameHeight } from './frame-height';
import { LiveEmbed } from './live-embed';

/** One check in the widget: rendered on the server when done (static), followed live otherwise. */
export function EmbedCheck({ view, theme }: { view: CheckPageView; theme: EmbedTheme }) {
  return (
    <>
      {view.status === 'done' ? (
        <EmbedWidget model={embedFromResult(view.id, view.result)} theme={theme} />
      ) : (
        <LiveEmbed checkId={view.id} target={view.target} status={view.status} initialEvents={view.events} theme={theme} />
      )}
      <FrameHeight targetId={EMBED_ROOT_ID} />
    </>
  );
}
