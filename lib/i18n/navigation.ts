import { createNavigation } from 'next-intl/navigation';
import { routing } from './routing';

/** Locale-aware Link and router: a French page links to French pages. */
export const { Link, redirect, usePathname, useRouter, getPathname } = createNavigation(routing);
