import type { ExperimentPlugin } from '../contract/experiment.js';
import { PlasticityError } from '../errors/plasticity-error.js';
import { closestNames } from './suggest.js';

type AnyExperiment = ExperimentPlugin<unknown>;

// On globalThis so that two copies of this package in one process still share one registry.
const KEY = Symbol.for('plasticity.core-tensors.experiments');
function experiments(): Map<string, AnyExperiment> {
  const g = globalThis as { [KEY]?: Map<string, AnyExperiment> };
  return (g[KEY] ??= new Map());
}

const NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** Adds an experiment to the registry. Registering the same object again is a no-op. */
export function registerExperiment<Options>(plugin: ExperimentPlugin<Options>): ExperimentPlugin<Options> {
  const name = plugin?.name;
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw new PlasticityError(
      'E_USAGE',
      `experiment name must be kebab-case (like "btsp-place-field"), got ${JSON.stringify(name)}`,
      { experiment: name },
    );
  }
  if (typeof plugin.run !== 'function' || typeof plugin.optionsSchema?.safeParse !== 'function') {
    throw new PlasticityError(
      'E_USAGE',
      `experiment "${name}" needs a run() function and a zod optionsSchema`,
      {
        experiment: name,
      },
    );
  }
  const existing = experiments().get(name);
  if (existing === (plugin as AnyExperiment)) return plugin;
  if (existing) {
    throw new PlasticityError(
      'E_DUPLICATE_RULE',
      `a different experiment named "${name}" is already registered (two versions of its package installed?)`,
      { experiment: name },
    );
  }
  experiments().set(name, plugin as AnyExperiment);
  return plugin;
}

/** The registered experiment `name`; E_USAGE lists the known ones. */
export function getExperiment<Options = unknown>(name: string): ExperimentPlugin<Options> {
  const plugin = experiments().get(name);
  if (plugin) return plugin as ExperimentPlugin<Options>;
  const known = [...experiments().keys()].sort();
  const close = closestNames(String(name), known);
  const suggestion = close.length > 0 ? ` Did you mean ${close.map((k) => `"${k}"`).join(' or ')}?` : '';
  throw new PlasticityError(
    'E_USAGE',
    `unknown experiment "${name}"; registered experiments: ${known.length > 0 ? known.join(', ') : 'none'}.${suggestion}`,
    { experiment: name, known },
  );
}

/** Registered experiments, sorted by name. */
export function listExperiments(): ExperimentPlugin[] {
  return [...experiments().values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** Removes an experiment (tests). Returns whether it was registered. */
export function unregisterExperiment(name: string): boolean {
  return experiments().delete(name);
}
