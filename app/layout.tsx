import type { Metadata, Viewport } from 'next';
import Link from 'next/link';
import type { ReactNode } from 'react';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'mxray: how your mail servers really answer', template: '%s · mxray' },
  description: "Test a domain's mail servers on SMTP ports 25, 465, 587 and 2525: reachability, STARTTLS and implicit TLS, certificates, AUTH exposure.",
  icons: { icon: { url: '/favicon.svg', type: 'image/svg+xml' } },
};

export const viewport: Viewport = {
  themeColor: [
    { media: '(prefers-color-scheme: light)', color: '#fafafa' },
    { media: '(prefers-color-scheme: dark)', color: '#09090b' },
  ],
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="flex min-h-dvh flex-col">
        <a
          href="#main"
          className="sr-only focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:z-50 focus:rounded-md focus:bg-white focus:px-3 focus:py-2 focus:shadow dark:focus:bg-zinc-900"
        >
          Skip to content
        </a>
        <header className="border-b border-zinc-200 bg-white/80 dark:border-zinc-800 dark:bg-zinc-900/60">
          <div className="mx-auto flex h-14 w-full max-w-6xl items-center justify-between px-4 sm:px-6">
            <Link href="/" className="flex items-center gap-2 font-semibold tracking-tight">
              <svg viewBox="0 0 32 32" aria-hidden="true" className="size-7">
                <rect width="32" height="32" rx="7" className="fill-indigo-600 dark:fill-indigo-500" />
                <path d="M7 11h18v11H7z" fill="none" stroke="white" strokeWidth="2" strokeLinejoin="round" />
                <path d="m7 11 9 6.5 9-6.5" fill="none" stroke="white" strokeWidth="2" strokeLinejoin="round" />
              </svg>
              <span className="text-lg">mxray</span>
            </Link>
            <nav aria-label="Main" className="flex items-center gap-4">
              <Link href="/#ports-title" className="text-sm text-zinc-600 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-zinc-100">
                SMTP ports explained
              </Link>
              <Link href="/docs/api" className="text-sm text-zinc-600 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-zinc-100">
                API
              </Link>
            </nav>
          </div>
        </header>
        <main id="main" className="flex-1">
          {children}
        </main>
        <footer className="border-t border-zinc-200 py-6 text-sm text-zinc-600 dark:border-zinc-800 dark:text-zinc-400">
          <div className="mx-auto w-full max-w-6xl px-4 sm:px-6">
            mxray connects to the servers you ask about on ports 25, 465, 587 and 2525, says EHLO, tries TLS and quits.
            It never sends mail and never logs in.
          </div>
        </footer>
      </body>
    </html>
  );
}
