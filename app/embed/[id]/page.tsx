// GET /embed/:id – the embeddable widget of one check, made to live in other sites' iframes
// (?theme=light|dark|auto); live while the check runs. Reading never starts a probe.
import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { connection } from 'next/server';
import { cache } from 'react';
import { EmbedCheck } from '@/components/embed/embed-check';
import { loadCheckViewFromServices } from '@/lib/checks/load-check-view';
import { parseTheme } from '@/lib/embed/theme';

const load = cache(async (id: string) => {
  await connection();
  return loadCheckViewFromServices(id);
});

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  const view = await load((await params).id);
  return { title: view ? `${view.target.displayDomain}: mail servers` : 'Check not found' };
}

export default async function EmbedPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const [{ id }, query] = await Promise.all([params, searchParams]);
  const view = await load(id);
  if (!view) notFound();
  return <EmbedCheck view={view} theme={parseTheme(query.theme)} />;
}
