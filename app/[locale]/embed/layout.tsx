import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import './embed.css';

// Framed by other sites (security headers allow it for /embed/ only); not content for search engines.
export const metadata: Metadata = { robots: { index: false, follow: false } };

/** Marks the page as the widget: embed.css hides the site's header and footer around it. */
export default function EmbedLayout({ children }: { children: ReactNode }) {
  return <div className="mx-embed-root">{children}</div>;
}
