import type { CheckPageView } from '@/lib/checks/load-check-view';
import { embedFromResult } from '@/lib/embed/embed-view';
import type { EmbedTheme } from '@/lib/embed/theme';
import type { EmbedVantages } from '@/lib/embed/embed-vantages';
import { EMBED_ROOT_ID, EmbedWidget } from './embed-widget';
import { FrameHeight } from './frame-height';
import { LiveEmbed } from './live-embed';

/** One check in the widget: rendered on the server when done (static), followed live otherwise. */
export function EmbedCheck({ view, theme, vantages }: { view: CheckPageView; theme: EmbedTheme; vantages?: EmbedVantages | undefined }) {
  return (
    <>
      {view.status === 'done' ? (
        <EmbedWidget model={embedFromResult(view.id, view.result)} theme={theme} vantages={vantages} />
      ) : (
        <LiveEmbed checkId={view.id} target={view.target} status={view.status} initialEvents={view.events} theme={theme} vantages={vantages} />
      )}
      <FrameHeight targetId={EMBED_ROOT_ID} />
    </>
  );
}
