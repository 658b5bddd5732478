import { connection } from 'next/server';
import type { ReactNode } from 'react';

/**
 * Every page is rendered per request: the Content-Security-Policy (proxy.ts) allows scripts only
 * with that request's nonce, and a page prerendered at build time would carry scripts without one.
 */
export default async function Template({ children }: { children: ReactNode }) {
  await connection();
  return children;
}
