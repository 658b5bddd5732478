/**
 * Setup for mutation runs only (vitest.mutation.config.ts). A property test that fails under a
 * mutant has already killed it: fast-check's shrinking (hundreds of reruns to find the smallest
 * counterexample, useful to a person reading a failure, not to Stryker) turned such kills into
 * 10-second timeouts that also restart the test runner. The number of runs is unchanged.
 */
import fc from 'fast-check';

fc.configureGlobal({ ...fc.readConfigureGlobal(), endOnFailure: true });
