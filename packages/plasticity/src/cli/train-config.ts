import {
  PlasticityError,
  listRules,
  parseConfig,
  parseFitSettings,
  resolveRecipe,
} from '@plasticity/core-tensors';
import type { FitSettings, RulePlugin } from '@plasticity/core-tensors';
import { listDatasets } from '@plasticity/datasets';
import type { ConfigFile } from './config-file.js';
import { applySets, blameSets, checkSetKeys, parseSetOptions } from './set-option.js';

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

const INPUT_WORDS = {
  dense: 'dense features',
  events: 'event lists',
  spikes: 'binned spike trains',
} as const;

/**
 * Refuses a rule that cannot read the data set's kind of input at all (a dense MLP on event
 * lists), before anything loads. Rules that do not declare their inputs are left to `create`.
 */
function checkInputKind(plugin: RulePlugin<unknown>, dataset: string): void {
  const kind = listDatasets().find((d) => d.name === dataset)?.input;
  if (kind === undefined || plugin.inputs === undefined || plugin.inputs.includes(kind)) return;
  const able = listRules()
    .filter((r) => r.inputs?.includes(kind))
    .map((r) => r.name);
  throw new PlasticityError(
    'E_CONFIG',
    `rule "${plugin.name}" reads ${plugin.inputs.map((k) => INPUT_WORDS[k]).join(' or ')}, ` +
      `and dataset "${dataset}" gives ${INPUT_WORDS[kind]}: it cannot train on it; ` +
      (able.length > 0
        ? `rules for ${INPUT_WORDS[kind]}: ${able.join(', ')}`
        : `no registered rule reads them`),
    { rule: plugin.name, dataset, input: kind, rules: able },
  );
}

/**
 * Without a recipe for the data set a rule's defaults were made for some other task (FF's
 * label written over 3 of Yin-Yang's 4 features): the user must choose the settings.
 */
function noRecipeError(plugin: RulePlugin<unknown>, dataset: string): PlasticityError {
  const recipes = Object.keys(plugin.recipes ?? {});
  return new PlasticityError(
    'E_CONFIG',
    `rule "${plugin.name}" has no recipe for dataset "${dataset}" ` +
      `(its recipes: ${recipes.length > 0 ? recipes.join(', ') : 'none'}); ` +
      `choose the settings with --config FILE ({"config": {rule settings}, "fit": {trainer settings}}) ` +
      `or --set key=value (e.g. --set hidden=[100] --set fit.epochs=20)`,
    { rule: plugin.name, dataset, recipes },
  );
}

/**
 * Layers the settings, later winning: the rule's defaults (its schema; core's defaults for the
 * trainer) ← the rule's recipe for the dataset (and preset) ← the `--config` file ← `--set`
 * ← command-line flags. A rule that cannot read the dataset's input is refused, and so is a
 * dataset the rule has no recipe for unless `--config` or `--set` choose the settings. Each
 * layer's trainer settings are checked on their own first, so an error names the file or
 * recipe it came from; the rule config is validated by the rule's schema (E_CONFIG naming
 * every bad field and the layers, or the `--set` keys at fault).
 */
export function resolveTrainConfig(
  plugin: RulePlugin<unknown>,
  dataset: string,
  options: {
    readonly preset?: string;
    readonly file?: ConfigFile;
    /** `--set key=value` arguments, in order. */
    readonly set?: readonly string[];
    readonly flags: FitFlags;
  },
): ResolvedTrainConfig {
  const { preset, file, flags } = options;
  checkInputKind(plugin, dataset);
  const sets = parseSetOptions(options.set ?? []);
  checkSetKeys(sets, plugin.configSchema, plugin.name);
  const sources = [`${plugin.name} defaults`];
  const recipe = resolveRecipe(plugin, dataset, preset);
  const recipeSource = `recipe ${plugin.name}/${recipe.key ?? dataset}`;
  if (recipe.key) sources.push(recipeSource);
  else if (!file && sets.length === 0) throw noRecipeError(plugin, dataset);
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
  const ruleSets = sets.filter((s) => !s.fit);
  const fitSets = sets.filter((s) => s.fit);
  if (sets.length > 0) sources.push('--set');
  const flagFit = defined({
    epochs: flags.epochs,
    batchSize: flags.batchSize,
    learningRate: flags.lr,
    seed: flags.seed,
  });
  if (Object.keys(flagFit).length > 0) sources.push('command-line flags');

  let config: unknown;
  try {
    config = parseConfig(
      plugin,
      applySets({ ...recipe.config, ...file?.config }, ruleSets),
      sources.filter((s) => s !== 'command-line flags').join(' ← '),
    );
  } catch (error) {
    throw blameSets(error, ruleSets, false);
  }
  parseFitSettings(recipe.fit ?? {}, recipeSource);
  if (file) parseFitSettings(file.fit, file.path);
  try {
    const fit = parseFitSettings(
      { ...applySets({ ...recipe.fit, ...file?.fit }, fitSets), ...flagFit },
      sources.join(' ← '),
    );
    return { config, fit, sources };
  } catch (error) {
    throw blameSets(error, fitSets, true);
  }
}
