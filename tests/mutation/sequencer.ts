/**
 * File order for mutation runs (vitest.mutation.config.ts). Stryker stops a mutant's run at the
 * first failing test (bail), so the cheap example-based files go first and the costly ones last:
 * property tests with thousands of generated inputs, and files that generate key pairs and
 * certificates before their first test. A mutant an example test kills never pays for those.
 * (vitest's own order runs the longest files first, the opposite of what a bailing run wants.)
 */
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const COSTLY = [
  /-forms\.test\.ts$/, // fast-check, 500 to 3,000 runs per property
  /describe-certificate-eviction\.test\.ts$/, // 1,001 certificates
  /describe-certificate-cache\.test\.ts$/, // test PKI (RSA keys) and 30 leaves
  /cert-expired-days\.test\.ts$/,
  // a test PKI (RSA keys) built before the first test: describe-certificate-details.test.ts and
  // the example files kill most of what these do, for a fraction of the cost
  /tests\/unit\/describe-certificate\.test\.ts$/,
  /tls-host-match\.test\.ts$/,
  /trust-reason\.test\.ts$/,
  /describe-tls-socket\.test\.ts$/,
  /export-csv\.test\.ts$/, // fast-check
  /tests\/unit\/resolve-target\.test\.ts$/, // real timers of a few hundred ms
];

const cost = (spec: TestSpecification) => (COSTLY.some((re) => re.test(spec.moduleId)) ? 1 : 0);

export default class CheapFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    return [...files].sort((a, b) => cost(a) - cost(b) || (a.moduleId < b.moduleId ? -1 : a.moduleId > b.moduleId ? 1 : 0));
  }
}
