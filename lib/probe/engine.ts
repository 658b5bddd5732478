/**
 * The engine as its hosts (web app runner, CLI, tests) see it: validate an input, then run a check
 * as a stream of events ending with the result.
 */
import type { CheckEvent, CheckInput, CheckMode, CheckResult } from './schema';

export type PrepareResult =
  | { ok: true; target: CheckInput }
  | { ok: false; code: string; message: string };

export interface PrepareOptions {
  /** host mode: run the open relay test although the server is not known as a domain's MX */
  relayTest?: boolean;
}

export interface CheckEngine {
  /** Normalise and validate user input (IDN → punycode, IP literals and local names refused). */
  prepare(input: string, mode: CheckMode, options?: PrepareOptions): PrepareResult;
  /**
   * Run one check. Yields progress events ('check-started' … 'check-done'); the last event is
   * 'check-done' carrying the result, which is also the generator's return value. Never throws for
   * a server's or DNS's fault; aborting the signal ends the check early with `incomplete: true`.
   */
  run(target: CheckInput, signal?: AbortSignal): AsyncGenerator<CheckEvent, CheckResult, void>;
}
