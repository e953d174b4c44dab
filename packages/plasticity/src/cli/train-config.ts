import { PlasticityError, parseConfig, parseFitSettings, resolveRecipe } from '@plasticity/core-tensors';
import type { FitSettings, RulePlugin } from '@plasticity/core-tensors';
import type { ConfigFile } from './config-file.js';

/** The command-line flags that override everything else. */
export interface FitFlags {
  readonly epochs?: number;
  readonly batchSize?: number;
  readonly lr?: number;
  readonly seed?: number;
}

export interface ResolvedTrainConfig {
  /** The rule config, validated, every default filled in. */
  readonly config: unknown;
  readonly fit: FitSettings;
  /** Where the settings came from, lowest precedence first (for messages). */
  readonly sources: readonly string[];
}

function defined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * Layers the settings, later winning: the rule's defaults (its schema; core's defaults for the
 * trainer) ← the rule's recipe for the dataset (and preset) ← the `--config` file ←
 * command-line flags. Each layer's trainer settings are checked on their own first, so an
 * error names the file or recipe it came from; the rule config is validated by the rule's
 * schema (E_CONFIG naming every bad field and the layers).
 */
export function resolveTrainConfig(
  plugin: RulePlugin<unknown>,
  dataset: string,
  options: { readonly preset?: string; readonly file?: ConfigFile; readonly flags: FitFlags },
): ResolvedTrainConfig {
  const { preset, file, flags } = options;
  const sources = [`${plugin.name} defaults`];
  const recipe = resolveRecipe(plugin, dataset, preset);
  const recipeSource = `recipe ${plugin.name}/${recipe.key ?? dataset}`;
  if (recipe.key) sources.push(recipeSource);
  if (file) {
    if (file.rule !== undefined && file.rule !== plugin.name) {
      throw new PlasticityError(
        'E_CONFIG',
        `${file.path} configures rule "${file.rule}", not "${plugin.name}"`,
        {
          file: file.path,
          field: 'rule',
        },
      );
    }
    sources.push(file.path);
  }
  const flagFit = defined({
    epochs: flags.epochs,
    batchSize: flags.batchSize,
    learningRate: flags.lr,
    seed: flags.seed,
  });
  if (Object.keys(flagFit).length > 0) sources.push('command-line flags');

  const config = parseConfig(plugin, { ...recipe.config, ...file?.config }, sources.join(' ← '));
  parseFitSettings(recipe.fit ?? {}, recipeSource);
  if (file) parseFitSettings(file.fit, file.path);
  const fit = parseFitSettings({ ...recipe.fit, ...file?.fit, ...flagFit }, sources.join(' ← '));
  return { config, fit, sources };
}
