/**
 * The life of a check, one closed vocabulary for the runner, the store, the API, the live client,
 * the badge and the view loader. Browser-safe (zod only).
 */
import { z } from 'zod';

/** 'queued' is waiting for a slot; 'done' has a result; 'interrupted' never will. */
export const CheckStatusSchema = z.enum(['queued', 'running', 'done', 'interrupted']);
export type CheckStatus = z.infer<typeof CheckStatusSchema>;

/** What the store records: a queued check is 'running' there until a slot takes it. */
export const StoredCheckStatusSchema = CheckStatusSchema.exclude(['queued']);
export type StoredCheckStatus = z.infer<typeof StoredCheckStatusSchema>;

/** What a page viewing a check (or the live client) can be told while it is not finished. */
export const LiveCheckStatusSchema = CheckStatusSchema.extract(['running', 'interrupted']);
export type LiveCheckStatus = z.infer<typeof LiveCheckStatusSchema>;
