/**
 * The webhook body of one alert: the reasons, the change list between the two checks (the compare
 * function's facts and their words) and links to the permalink, the comparison and the history.
 * Built once when the run completes and stored: every retry sends (and signs) the same bytes.
 */
import type { CheckResult } from '@/lib/probe/schema';
import { describeChange } from '@/lib/history/describe-change';
import type { Evaluation } from './conditions';
import { WebhookPayloadSchema, type WebhookPayload } from './schemas';

export function alertPayload(opts: {
  deliveryId: string;
  monitor: { id: string; domain: string; origin: string };
  check: { id: string; result: CheckResult };
  previous: { id: string; result: CheckResult } | null;
  evaluation: Evaluation;
}): string {
  const { origin, domain } = opts.monitor;
  const permalink = (id: string) => `${origin}/check/${id}`;
  const domainPath = `${origin}/domain/${encodeURIComponent(domain)}`;
  const payload: WebhookPayload = {
    type: 'monitor.alert',
    id: opts.deliveryId,
    monitor: { id: opts.monitor.id, domain },
    reasons: opts.evaluation.reasons,
    check: {
      id: opts.check.id,
      verdict: opts.check.result.summary.verdict,
      finishedAt: new Date(opts.check.result.finishedAt).toISOString(),
      url: permalink(opts.check.id),
    },
    previous: opts.previous ? { id: opts.previous.id, verdict: opts.previous.result.summary.verdict, url: permalink(opts.previous.id) } : null,
    changes: opts.evaluation.changes,
    text: opts.evaluation.changes.map((c) => {
      const t = describeChange(c);
      return { subject: t.subject, text: t.text };
    }),
    expiring: opts.evaluation.expiring,
    links: {
      compare: opts.previous ? `${domainPath}/compare?from=${opts.previous.id}&to=${opts.check.id}` : null,
      history: domainPath,
    },
  };
  return JSON.stringify(WebhookPayloadSchema.parse(payload));
}
