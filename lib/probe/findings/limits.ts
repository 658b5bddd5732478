/**
 * Findings for the engine's own bounds (DNS question budget, stored-size budget): the check was cut
 * short by mxray's limits, not by the server, so they are "could not test" information.
 */
import type { DnsResult, Finding } from '../schema';

export function dnsQuestionLimitFinding(truncated: NonNullable<DnsResult['truncated']>, limits: { maxDnsQuestions?: number }): Finding {
  return {
    code: 'dns.question-limit',
    severity: 'info',
    untested: true,
    scope: 'domain',
    params: { max: limits.maxDnsQuestions ?? truncated.questions, asked: truncated.questions, refused: truncated.questionsRefused },
  };
}
