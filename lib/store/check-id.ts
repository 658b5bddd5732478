/**
 * Check ids are unguessable capabilities: a permalink is the only access control a check has, so
 * they carry 128 random bits (well above the 96 needed), URL-safe without escaping.
 */
import { randomBytes } from 'node:crypto';

import { CHECK_ID_RE, isCheckId } from '@/lib/checks/check-id-pattern';

export { CHECK_ID_RE, isCheckId };

/** 16 random bytes as base64url: 22 characters. */
export function newCheckId(): string {
  return randomBytes(16).toString('base64url');
}
