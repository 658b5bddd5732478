import type { ReactNode } from 'react';

/**
 * Pages live under app/[locale], whose layout renders <html lang>; this root layout only passes
 * through, so the few responses outside a locale (app/not-found.tsx) can render their own document.
 */
export default function RootLayout({ children }: { children: ReactNode }) {
  return children;
}
