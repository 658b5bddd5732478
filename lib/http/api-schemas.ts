/**
 * Request and response bodies of the JSON API and the SSE stream, defined once in zod: the route
 * handlers validate with them, the client and tests parse with them, and the OpenAPI document is
 * generated from them.
 */
import { z } from 'zod';
import { CheckInputSchema, CheckModeSchema, CheckResultSchema, FindingSchema } from '@/lib/probe/schema';
import { CHECK_ID_RE } from '@/lib/checks/check-id-pattern';
import { CheckStatusSchema } from '@/lib/checks/check-status';

/** Request bodies larger than this are refused (413) before parsing. */
export const MAX_BODY_BYTES = 4 * 1024;

export const CheckIdSchema = z.string().regex(CHECK_ID_RE, 'not a check id');

// ---------------------------------------------------------------------------------------------
// Errors

/** The closed set of error codes; their HTTP statuses live in lib/http/problem.ts. */
export const ApiErrorCodeSchema = z.enum([
  'invalid_input',
  'invalid_json',
  'unsupported_media_type',
  'not_found',
  'not_ready', // the check exists but has no result (yet, or ever: interrupted)
  'payload_too_large',
  'rate_limited',
  'saturated',
  'quota_exceeded', // a cap on things one keeps (monitors per client, monitors overall)
  'method_not_allowed',
  'internal',
]);
export type ApiErrorCode = z.infer<typeof ApiErrorCodeSchema>;

export const ApiErrorSchema = z.object({
  error: z.object({
    code: ApiErrorCodeSchema,
    /** English text for people; clients branch on code */
    message: z.string(),
    /** e.g. validation issues, or the engine's reason for refusing a domain */
    details: z.unknown().optional(),
  }),
});
export type ApiError = z.infer<typeof ApiErrorSchema>;

/** details of an invalid_input answer */
export const ValidationIssueSchema = z.object({ path: z.string(), code: z.string(), message: z.string() });

// ---------------------------------------------------------------------------------------------
// Checks

export const CreateCheckRequestSchema = z.strictObject({
  /** domain (or host name in host mode) as typed; Unicode allowed, the engine normalises it */
  domain: z.string().min(1).max(1024),
  mode: CheckModeSchema.optional(),
  /**
   * host mode: also run the open relay test (MAIL FROM / RCPT TO / RSET on port 25, never DATA).
   * Domain checks always run it on their MX addresses; a single server is only tested when asked.
   */
  relayTest: z.boolean().optional(),
  /**
   * 'public' (default): a domain-mode check is findable by its domain (badges, /embed/domain/<d>,
   * dedupe). 'unlisted': reachable only through its id; never returned by domain look-ups.
   */
  visibility: z.enum(['public', 'unlisted']).optional(),
  /**
   * Where to probe from: vantage names (scaled mode's worker labels, VANTAGE). Absent: the default
   * vantage. Several: one check per vantage, compared side by side in the report.
   */
  vantages: z
    .array(z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,31}$/i, 'a vantage name: letters, digits, . _ -'))
    .min(1)
    .max(8)
    .refine((v) => new Set(v).size === v.length, 'each vantage once')
    .optional(),
});
export type CreateCheckRequest = z.infer<typeof CreateCheckRequestSchema>;

/** The check status vocabulary (lib/checks/check-status.ts), as the API names it. */
export const ApiCheckStatusSchema = CheckStatusSchema;
export type ApiCheckStatus = z.infer<typeof ApiCheckStatusSchema>;

export const CheckLinksSchema = z.object({
  self: z.string(),
  events: z.string(),
  permalink: z.string(),
});

export function checkLinks(id: string): z.infer<typeof CheckLinksSchema> {
  return { self: `/api/checks/${id}`, events: `/api/checks/${id}/events`, permalink: `/check/${id}` };
}

export const CreateCheckResponseSchema = z.object({
  id: CheckIdSchema,
  status: ApiCheckStatusSchema,
  /** true when an existing check (running, or finished within DEDUPE_WINDOW_SECONDS) was returned */
  deduped: z.boolean(),
  urls: CheckLinksSchema,
  /** when several vantages were asked for: the check of each (`id` is the first's) */
  vantages: z.array(z.object({ vantage: z.string(), id: CheckIdSchema, urls: CheckLinksSchema })).optional(),
});
export type CreateCheckResponse = z.infer<typeof CreateCheckResponseSchema>;

export const CheckResponseSchema = z.object({
  id: CheckIdSchema,
  status: ApiCheckStatusSchema,
  target: CheckInputSchema,
  createdAt: z.iso.datetime(),
  finishedAt: z.iso.datetime().optional(),
  result: CheckResultSchema.optional(),
  /**
   * why an interrupted check stopped: 'shutdown', 'restart', 'engine-error', 'owner-lost'; in scaled
   * mode also 'worker-lost' (its worker died) and 'no-worker' (no worker of its vantage took it
   * within the check's budget)
   */
  reason: z.string().optional(),
});
export type CheckResponse = z.infer<typeof CheckResponseSchema>;

/**
 * A finding of GET /api/checks/:id when the request asks for a language (?lang= or
 * Accept-Language): the stored finding, unchanged, plus its words in that language with the
 * params placed (lib/http/localized-check.ts). The stored result never carries these.
 */
export const LocalizedFindingSchema = FindingSchema.extend({
  /** the finding's title, e.g. "Certificat expiré" */
  title: z.string(),
  /** what it means, with the params placed */
  explanation: z.string(),
  /** what to do about it */
  fix: z.string(),
});
export type LocalizedFinding = z.infer<typeof LocalizedFindingSchema>;

// ---------------------------------------------------------------------------------------------
// SSE: GET /api/checks/:id/events
//
// Each stored event is sent as `id: <seq>`, `event: <CheckEvent.type>`, `data: <CheckEvent JSON>`
// (CheckEventSchema in lib/probe/schema.ts). The stream closes after 'check-done'. A check that
// was cut short instead ends with one `event: interrupted` (no id) whose data is below. Reconnect
// with Last-Event-ID (or ?lastEventId=) to resume; reconnecting to a finished check with nothing
// left to send is answered 204, which tells EventSource to stop reconnecting.

export const SSE_INTERRUPTED_EVENT = 'interrupted';

export const SseInterruptedSchema = z.object({
  status: CheckStatusSchema.extract(['interrupted']),
  reason: z.string(),
});
export type SseInterrupted = z.infer<typeof SseInterruptedSchema>;

// ---------------------------------------------------------------------------------------------
// Health

export const HealthResponseSchema = z.object({
  status: z.enum(['ok', 'error']),
  checksRunning: z.number().int().nonnegative(),
  /** checks waiting for a slot */
  queue: z.number().int().nonnegative(),
  db: z.enum(['ok', 'error']),
});
export type HealthResponse = z.infer<typeof HealthResponseSchema>;

/** GET /api/health/live: the process answers; nothing else is consulted. */
export const LivenessResponseSchema = z.object({ status: z.literal('ok') });
export type LivenessResponse = z.infer<typeof LivenessResponseSchema>;

/** GET /api/health/ready: whether this process should get traffic now, and why not. */
export const ReadinessResponseSchema = z.object({
  status: z.enum(['ready', 'not-ready']),
  checks: z.object({
    /** 'shutting-down' from the first SIGTERM on: readiness flips before the drain */
    shutdown: z.enum(['running', 'shutting-down']),
    /** the check runner takes new checks ('error': the check service could not start) */
    runner: z.enum(['accepting', 'closed', 'error']),
    /** the store took its write lock and released it */
    store: z.enum(['ok', 'error']),
    /** scaled mode only: Redis (queue, fan-out, shared limits) answers */
    redis: z.enum(['ok', 'error']).optional(),
  }),
});
export type ReadinessResponse = z.infer<typeof ReadinessResponseSchema>;
