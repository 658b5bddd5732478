// GET /check/:id – a check's permalink: the finished report (server-rendered, readable without
// JavaScript), or the live view of a running check. Reading never starts a probe.
import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { connection } from 'next/server';
import { cache } from 'react';
import { LiveCheck } from '@/components/report/live-check';
import { Report } from '@/components/report/report';
import { HistoryLinks } from '@/components/history/history-links';
import { loadCheckViewFromServices } from '@/lib/checks/load-check-view';
import { shareMetadata } from '@/lib/og/share-metadata';
import { VERDICT_META } from '@/lib/report/status';

// One store read per request, shared by generateMetadata and the page.
const load = cache(async (id: string) => {
  await connection();
  return loadCheckViewFromServices(id);
});

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  const view = await load((await params).id);
  if (!view) return { title: 'Check not found' };
  const name = view.target.displayDomain;
  const title = view.status === 'done' ? `${name}: ${VERDICT_META[view.result.summary.verdict].label}` : `Checking ${name}`;
  const share = await shareMetadata({
    title,
    description: `How the mail servers of ${name} answer on SMTP ports 25, 465, 587 and 2525.`,
    path: `/check/${view.id}`,
    imagePath: `/og/check/${view.id}`,
    imageAlt: `${title}, with the status of ports 25, 465, 587 and 2525 per mail server`,
  });
  return {
    title,
    ...share,
    // Permalinks are unguessable capabilities, not content for search engines.
    robots: { index: false, follow: false },
  };
}

export default async function CheckPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const view = await load(id);
  if (!view) notFound();
  const permalink = `/check/${view.id}`;
  return (
    <div className="mx-auto w-full max-w-6xl px-4 py-8 sm:px-6 sm:py-10">
      {view.status === 'done' ? (
        <>
          {view.target.mode === 'domain' ? <HistoryLinks check={{ id: view.id, domain: view.target.domain, createdAt: view.createdAt }} /> : null}
          <Report result={view.result} permalink={permalink} checkId={view.id} />
        </>
      ) : (
        <LiveCheck
          checkId={view.id}
          target={view.target}
          status={view.status}
          queued={view.status === 'running' && view.queued}
          interruptedReason={view.status === 'interrupted' ? view.reason : null}
          initialEvents={view.events}
          createdAt={view.createdAt}
          serverNow={Date.now()}
          permalink={permalink}
        />
      )}
    </div>
  );
}
