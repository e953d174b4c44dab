import type { RulePlugin } from '../../contract/plugin.js';
import { isPlasticityError } from '../../errors/plasticity-error.js';
import { parseConfig } from '../../registry/config.js';
import type { ConfigIssue } from '../../registry/validate.js';
import type { ResolvedConformanceOptions } from './options.js';

/** A field name no rule uses: a strict schema must reject it. */
export const UNKNOWN_FIELD = 'conformanceUnknownField';

/** Why `raw` was not rejected with an E_CONFIG error naming `field`; undefined when it was. */
function rejectionProblem(plugin: RulePlugin, raw: unknown, field: string, what: string): string | undefined {
  try {
    parseConfig(plugin, raw);
  } catch (error) {
    if (!isPlasticityError(error, 'E_CONFIG')) return `${what} threw ${String(error)}, not an E_CONFIG error`;
    const issues = (error.details?.issues ?? []) as readonly ConfigIssue[];
    const named = issues.some(
      (i) => i.path === field || i.path.startsWith(`${field}.`) || i.path.startsWith(`${field}[`),
    );
    return named ? undefined : `${what} is an E_CONFIG error that does not name "${field}": ${error.message}`;
  }
  return `${what} was accepted silently`;
}

/**
 * The schema round trip: the parsed config survives JSON (as checkpoints store it) and parses to
 * itself; an unknown field and each of `badFields` are E_CONFIG errors naming the field.
 */
export function checkConfig(plugin: RulePlugin, options: ResolvedConformanceOptions): void {
  const parsed = parseConfig(plugin, options.config);
  const json = JSON.stringify(parsed);
  const again = JSON.stringify(parseConfig(plugin, JSON.parse(json)));
  if (again !== json)
    throw new Error(`the parsed config changes when parsed again from JSON: ${json} → ${again}`);
  const base = parsed as Record<string, unknown>;
  const attempts: [string, unknown, string][] = [
    [UNKNOWN_FIELD, 1, `an unknown field "${UNKNOWN_FIELD}" (use z.strictObject)`],
    ...Object.entries(options.badFields).map(([field, value]): [string, unknown, string] => [
      field,
      value,
      `${field}: ${JSON.stringify(value)}`,
    ]),
  ];
  for (const [field, value, what] of attempts) {
    const problem = rejectionProblem(plugin, { ...base, [field]: value }, field, what);
    if (problem) throw new Error(problem);
  }
}
