import type { Recipe, RulePlugin } from '../contract/plugin.js';
import { PlasticityError } from '../errors/plasticity-error.js';

/** A recipe plus the key it was found under (undefined: no recipe, plain defaults). */
export interface ResolvedRecipe<Config> extends Recipe<Config> {
  readonly key?: string;
}

/** Recipe keys of `plugin` that apply to `dataset` (`'mnist'`, `'mnist:paper'`, ...). */
export function recipeKeys(plugin: RulePlugin<unknown>, dataset: string): string[] {
  return Object.keys(plugin.recipes ?? {}).filter((k) => k === dataset || k.startsWith(`${dataset}:`));
}

/**
 * The recipe a rule recommends for `dataset`, or for `dataset:preset` when `preset` is given.
 * No recipe for the dataset means defaults (`{}`; the CLI refuses such a pair unless the user
 * gives the settings); an unknown preset is an E_CONFIG error listing the presets that exist.
 */
export function resolveRecipe<Config>(
  plugin: RulePlugin<Config>,
  dataset: string,
  preset?: string,
): ResolvedRecipe<Config> {
  const recipes = plugin.recipes ?? {};
  const key = preset ? `${dataset}:${preset}` : dataset;
  const recipe = Object.hasOwn(recipes, key) ? recipes[key] : undefined;
  if (recipe) return { ...recipe, key };
  if (!preset) return {};
  const presets = recipeKeys(plugin, dataset)
    .filter((k) => k !== dataset)
    .map((k) => k.slice(dataset.length + 1));
  throw new PlasticityError(
    'E_CONFIG',
    `rule "${plugin.name}" has no preset "${preset}" for dataset "${dataset}"; ` +
      (presets.length > 0
        ? `available presets: ${presets.join(', ')}`
        : `it has no presets for "${dataset}"`),
    { rule: plugin.name, dataset, preset, available: presets },
  );
}
