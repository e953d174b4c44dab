import type { ConformanceCheck } from './options.js';

/** A rule failed one conformance check: `check` says which, the message what was found. */
export class ConformanceFailure extends Error {
  override readonly name = 'ConformanceFailure';
  constructor(
    readonly rule: string,
    readonly check: ConformanceCheck,
    problem: string,
    options?: { cause?: unknown },
  ) {
    super(`rule "${rule}" fails the ${check} check: ${problem}`, options);
  }
}
