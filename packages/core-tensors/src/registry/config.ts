import type { RulePlugin } from '../contract/plugin.js';
import { validateWithSchema } from './validate.js';

/**
 * Validates a user's config for a rule with its `configSchema`, filling defaults. Throws one
 * E_CONFIG error naming every bad field (path, expected, got) and `source` (a file name or
 * `--flags`). NaN and Infinity are rejected. Plugins should use `z.strictObject` so that a
 * misspelt field is an error rather than silently ignored.
 */
export function parseConfig<Config>(plugin: RulePlugin<Config>, raw: unknown, source?: string): Config {
  return validateWithSchema(plugin.configSchema, raw ?? {}, {
    what: `config for rule "${plugin.name}"`,
    source,
    details: { rule: plugin.name },
  });
}
