/**
 * The live view as the server renders it for a running check: rows laid out from the stored
 * events, progress in a polite live region; and the report once 'check-done' is among them.
 */
import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import { describe, expect, it, vi } from 'vitest';
import { LiveCheck, type LiveCheckProps } from '@/components/report/live-check';
import type { CheckEvent } from '@/lib/probe/schema';
import { withIntl } from '@/tests/fixtures/intl';
import { SAMPLE_RESULT } from '@/tests/fixtures/sample-result';

vi.mock('next/navigation', async (importOriginal) => ({
  ...(await importOriginal<typeof import('next/navigation')>()),
  useRouter: () => ({ push: vi.fn(), refresh: vi.fn() }),
  usePathname: () => '/',
}));

const ID = 'AAAAAAAAAAAAAAAAAAAAAA';
const planned: CheckEvent[] = [
  { type: 'check-started', target: SAMPLE_RESULT.target, startedAt: SAMPLE_RESULT.startedAt },
  { type: 'dns-done', dns: SAMPLE_RESULT.dns },
  {
    type: 'probes-planned',
    probes: SAMPLE_RESULT.probes.map((p) => ({ host: p.host, address: p.address, port: p.port, family: p.family })),
  },
];
const seqd = (events: CheckEvent[]) => events.map((event, i) => ({ seq: i + 1, event }));

function render(events: CheckEvent[], over: Partial<LiveCheckProps> = {}, locale: 'en' | 'fr' = 'en') {
  const props: LiveCheckProps = {
    checkId: ID,
    target: SAMPLE_RESULT.target,
    status: 'running',
    initialEvents: seqd(events),
    createdAt: 1_000,
    serverNow: 5_000,
    permalink: `/check/${ID}`,
    ...over,
  };
  return renderToString(withIntl(createElement(LiveCheck, props), locale)).replace(/<!-- -->/g, '');
}

describe('LiveCheck (server-rendered)', () => {
  it('announces progress politely and shows each probe at its stage', () => {
    const [p0, p1] = SAMPLE_RESULT.probes;
    const html = render([
      ...planned,
      { type: 'probe-done', probe: p0! },
      { type: 'probe-connected', host: p1!.host, address: p1!.address, port: p1!.port, ms: 24 },
    ]);
    expect(html).toMatch(/<p role="status" aria-live="polite"[^>]*>1 of 16 probes done\.<\/p>/);
    expect(html).toContain('Checking the mail servers of');
    expect(html).toContain('TLS handshake…'); // 465 waits for TLS before the greeting
    expect(html.match(/Connecting…/g)).toHaveLength(14);
    expect(html).toMatch(/<th scope="col" role="columnheader"/);
    expect(html).toContain('Connecting to live updates…');
  });

  it('says a check is queued before anything happened', () => {
    expect(render([], { queued: true })).toContain('Queued: waiting for a free slot…');
    expect(render([], { queued: false })).toContain('Looking up MX records…');
  });

  it('shows the full report once the stored events include check-done', () => {
    const html = render([...planned, { type: 'check-done', result: SAMPLE_RESULT }]);
    expect(html).toMatch(/<h1[^>]*>example\.test<\/h1>/);
    expect(html).toContain('Which port should I use?');
    expect(html).toContain('Check finished. Problems found.');
  });

  it('explains an interrupted check and offers to run it again', () => {
    const html = render(planned, { status: 'interrupted', interruptedReason: 'restart' });
    expect(html).toContain('Check interrupted after 0 of 16 probes.');
    expect(html).toContain('This check stopped before it finished: mxray restarted.');
    expect(html).toContain('Run again');
    expect(html).not.toContain('Connecting to live updates');
  });
});
