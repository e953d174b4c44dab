import { isPlasticityError } from '@plasticity/core-tensors';

/** Exit status for a usage or configuration mistake (commander's own parse errors included). */
export const EXIT_USAGE = 2;
/** Exit status for any other failure (a bad file, a backend that cannot start, a crash). */
export const EXIT_FAILURE = 1;
/** Exit status after Ctrl-C (128 + SIGINT). */
export const EXIT_INTERRUPTED = 130;

const USAGE_CODES = new Set(['E_USAGE', 'E_CONFIG', 'E_UNKNOWN_RULE', 'E_UNKNOWN_DATASET', 'E_UNSUPPORTED']);

export function exitCodeFor(error: unknown): number {
  return isPlasticityError(error) && USAGE_CODES.has(error.code) ? EXIT_USAGE : EXIT_FAILURE;
}

/**
 * The message for the user: `error [E_CODE]: message` (a PlasticityError's message in full: a
 * config error lists every bad field on its own line; anything else, its first line). The
 * stack (and the cause chain) only when asked for, with `--verbose` or `DEBUG` set.
 */
export function formatError(error: unknown, verbose: boolean): string {
  const message = error instanceof Error ? error.message : String(error);
  const head = isPlasticityError(error)
    ? `error [${error.code}]: ${message}`
    : `error: ${message.split('\n')[0]}`;
  if (!verbose) return `${head}\n`;
  const lines = [head];
  let current: unknown = error;
  while (current instanceof Error) {
    if (current.stack) lines.push(current.stack);
    if (isPlasticityError(current) && current.details) lines.push(`details: ${safeJson(current.details)}`);
    current = current.cause;
    if (current !== undefined) lines.push('caused by:');
  }
  return `${lines.join('\n')}\n`;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

/** `--verbose` on the command line, or `DEBUG` set to anything but empty/0/false. */
export function wantsVerbose(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): boolean {
  const debug = env.DEBUG;
  return argv.includes('--verbose') || (debug !== undefined && !['', '0', 'false'].includes(debug));
}
