/**
 * The shape of a check id, apart from how ids are made (lib/store/check-id.ts uses node:crypto):
 * browser code and the API schemas test ids without pulling a node:* module into the bundle.
 */

/** 16 random bytes as base64url: 22 characters. */
export const CHECK_ID_RE = /^[A-Za-z0-9_-]{22}$/;

export function isCheckId(value: string): boolean {
  return CHECK_ID_RE.test(value);
}
