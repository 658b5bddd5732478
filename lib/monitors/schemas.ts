/**
 * Monitors in zod, once: the create request, the management view, the delivery log and the webhook
 * payload. The API, the OpenAPI document, the store (JSON columns) and the tests parse these.
 */
import { z } from 'zod';
import { SummarySchema } from '@/lib/probe/schema';
import { CheckIdSchema } from '@/lib/http/api-schemas';
import { ChangeSchema } from '@/lib/history/schemas';

/** One hour to one week (issue 13: "from hourly to weekly"). */
export const INTERVAL_MIN_SEC = 3_600;
export const INTERVAL_MAX_SEC = 7 * 86_400;
export const MAX_TARGETS = 5;
export const MAX_WEBHOOK_URL_LENGTH = 2_000;

export const MonitorConditionsSchema = z.strictObject({
  /** the verdict moved down the ladder (ok → warning, warning → critical, …) */
  verdictWorse: z.boolean().default(true),
  /** any port of any MX address changed status */
  portChanged: z.boolean().default(true),
  /** a presented certificate expires within this many days (null: not watched) */
  certExpiresWithinDays: z.number().int().min(1).max(365).nullable().default(14),
  /** a finding of critical severity appeared */
  newCritical: z.boolean().default(true),
  /** the verdict came back to ok or info from worse */
  backToNormal: z.boolean().default(true),
});
export type MonitorConditions = z.infer<typeof MonitorConditionsSchema>;

export const AlertReasonSchema = z.enum(['verdict-worse', 'port-changed', 'certificate-expiring', 'new-critical', 'back-to-normal']);
export type AlertReason = z.infer<typeof AlertReasonSchema>;

export const MonitorTargetSchema = z.strictObject({
  type: z.literal('webhook'),
  url: z.string().min(1).max(MAX_WEBHOOK_URL_LENGTH),
});
export type MonitorTarget = z.infer<typeof MonitorTargetSchema>;

export const CreateMonitorRequestSchema = z.strictObject({
  domain: z.string().min(1).max(253),
  /** seconds between runs */
  interval: z.number().int().min(INTERVAL_MIN_SEC).max(INTERVAL_MAX_SEC),
  conditions: MonitorConditionsSchema.default(MonitorConditionsSchema.parse({})),
  targets: z.array(MonitorTargetSchema).min(1).max(MAX_TARGETS),
});
export type CreateMonitorRequest = z.infer<typeof CreateMonitorRequestSchema>;

export const UpdateMonitorRequestSchema = z.strictObject({
  paused: z.boolean().optional(),
  /** ask for a run as soon as the scheduler can (still one interval before the next regular one) */
  runNow: z.literal(true).optional(),
});

/** How one delivery attempt ended: a closed set, shown on the management page by code. */
export const DeliveryOutcomeSchema = z.enum([
  'delivered',
  'http-status',
  'redirect',
  'timeout',
  'connect-failed',
  'tls-failed',
  'refused-address',
  'no-address',
  'oversize',
  'invalid-url',
]);
export type DeliveryOutcome = z.infer<typeof DeliveryOutcomeSchema>;

export const DeliveryViewSchema = z.object({
  id: z.string(),
  url: z.string(),
  checkId: CheckIdSchema,
  status: z.enum(['pending', 'delivered', 'failed']),
  createdAt: z.iso.datetime(),
  nextAttemptAt: z.iso.datetime().nullable(),
  attempts: z.array(
    z.object({
      n: z.number().int(),
      at: z.iso.datetime(),
      outcome: DeliveryOutcomeSchema,
      httpStatus: z.number().int().nullable(),
      error: z.string().nullable(),
      durationMs: z.number().int().nonnegative(),
    }),
  ),
});
export type DeliveryView = z.infer<typeof DeliveryViewSchema>;

export const MonitorViewSchema = z.object({
  id: z.string(),
  domain: z.string(),
  interval: z.number().int(),
  conditions: MonitorConditionsSchema,
  targets: z.array(MonitorTargetSchema),
  paused: z.boolean(),
  createdAt: z.iso.datetime(),
  nextRunAt: z.iso.datetime(),
  lastCheckId: CheckIdSchema.nullable(),
  /** the HMAC key receivers verify Mxray-Signature with */
  signingSecret: z.string(),
  deliveries: z.array(DeliveryViewSchema),
});
export type MonitorView = z.infer<typeof MonitorViewSchema>;

export const CreateMonitorResponseSchema = z.object({
  id: z.string(),
  /** shown once: whoever holds it can view, pause and delete the monitor */
  token: z.string(),
  manageUrl: z.string(),
  apiUrl: z.string(),
  signingSecret: z.string(),
  nextRunAt: z.iso.datetime(),
});
export type CreateMonitorResponse = z.infer<typeof CreateMonitorResponseSchema>;

const VerdictSchema = SummarySchema.shape.verdict;

/** The JSON body a webhook receives (signed: Mxray-Signature). */
export const WebhookPayloadSchema = z.object({
  type: z.literal('monitor.alert'),
  /** the delivery's id: the same on every retry, so a receiver can drop duplicates */
  id: z.string(),
  monitor: z.object({ id: z.string(), domain: z.string() }),
  reasons: z.array(AlertReasonSchema).min(1),
  check: z.object({ id: CheckIdSchema, verdict: VerdictSchema, finishedAt: z.iso.datetime(), url: z.string() }),
  previous: z.object({ id: CheckIdSchema, verdict: VerdictSchema, url: z.string() }).nullable(),
  changes: z.array(ChangeSchema),
  /** each change in words, same order as changes */
  text: z.array(z.object({ subject: z.string(), text: z.string() })),
  /** certificates within the monitor's expiry window */
  expiring: z.array(z.object({ host: z.string(), address: z.string(), port: z.number().int(), notAfter: z.string(), daysLeft: z.number().int() })),
  links: z.object({ compare: z.string().nullable(), history: z.string() }),
});
export type WebhookPayload = z.infer<typeof WebhookPayloadSchema>;
