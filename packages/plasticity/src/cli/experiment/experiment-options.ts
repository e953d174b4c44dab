import { PlasticityError, closestNames } from '@plasticity/core-tensors';
import type { ZodType } from 'zod';
import { camelCase, flagName } from '../parse.js';

/** The value as JSON when it parses (numbers, booleans, arrays), else the string itself. */
function parseValue(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** The top-level keys of an object schema (through optional/default wrappers); empty if not an object. */
export function schemaKeys(schema: ZodType): string[] {
  let def = (schema as unknown as { _zod: { def: { type: string; shape?: object; innerType?: ZodType } } })
    ._zod.def;
  while (def.innerType) def = (def.innerType as unknown as { _zod: { def: typeof def } })._zod.def;
  return def.type === 'object' && def.shape ? Object.keys(def.shape) : [];
}

/**
 * The experiment's own options from the words after its name: `--key value`, `--key=value`, or
 * `--key` alone (true). Values are JSON-typed (`--items 20000`, `--hopfield false`,
 * `--checkpoints [1000,2000]`), otherwise strings. Unknown keys are refused with the closest.
 */
export function parseExperimentOptions(
  words: readonly string[],
  schema: ZodType,
  experiment: string,
): Record<string, unknown> {
  const known = schemaKeys(schema);
  const options: Record<string, unknown> = {};
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    if (!word.startsWith('--') || word.length === 2) {
      throw new PlasticityError(
        'E_USAGE',
        `experiment ${experiment}: unexpected argument "${word}"; options are written --name value ` +
          `(known: ${known.map(flagName).join(', ')})`,
        { experiment, argument: word },
      );
    }
    const eq = word.indexOf('=');
    const flag = eq > 0 ? word.slice(2, eq) : word.slice(2);
    const key = camelCase(flag);
    if (!known.includes(key)) {
      const close = closestNames(key, known, Math.max(2, Math.floor(key.length / 3)));
      throw new PlasticityError(
        'E_USAGE',
        `experiment ${experiment} has no option --${flag}` +
          (close.length > 0 ? `; did you mean ${flagName(close[0])}?` : '') +
          ` (known: ${known.map(flagName).join(', ')})`,
        { experiment, option: `--${flag}` },
      );
    }
    if (Object.hasOwn(options, key)) {
      throw new PlasticityError('E_USAGE', `experiment ${experiment}: --${flag} is given twice`, {
        experiment,
        option: `--${flag}`,
      });
    }
    if (eq > 0) options[key] = parseValue(word.slice(eq + 1));
    else if (i + 1 < words.length && !words[i + 1].startsWith('--')) options[key] = parseValue(words[++i]);
    else options[key] = true;
  }
  return options;
}
