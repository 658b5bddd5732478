/**
 * Check ids are unguessable capabilities: a permalink is the only access control a check has, so
 * they carry 128 random bits (well above the 96 needed), URL-safe without escaping.
 */
import { randomBytes } from 'node:crypto';

/** Shared with the API schemas (lib/http/api-schemas.ts). */
export const CHECK_ID_RE = /^[A-Za-z0-9_-]{22}$/;

/** 16 random bytes as base64url: 22 characters. */
export function newCheckId(): string {
  return randomBytes(16).toString('base64url');
}

export function isCheckId(value: string): boolean {
  return CHECK_ID_RE.test(value);
}
