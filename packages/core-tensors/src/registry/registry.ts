import type { RulePlugin } from '../contract/plugin.js';
import { PlasticityError } from '../errors/plasticity-error.js';
import { closestNames } from './suggest.js';

type AnyPlugin = RulePlugin<unknown>;

// On globalThis so that two copies of this package in one process still share one registry.
const KEY = Symbol.for('plasticity.core-tensors.rules');
function rules(): Map<string, AnyPlugin> {
  const g = globalThis as { [KEY]?: Map<string, AnyPlugin> };
  return (g[KEY] ??= new Map());
}

const NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** Adds a rule to the registry. Registering the same plugin object again is a no-op. */
export function registerRule<Config>(plugin: RulePlugin<Config>): RulePlugin<Config> {
  const name = plugin?.name;
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw new PlasticityError(
      'E_USAGE',
      `rule name must be kebab-case (like "forward-forward"), got ${JSON.stringify(name)}`,
      {
        rule: name,
      },
    );
  }
  if (typeof plugin.create !== 'function' || typeof plugin.configSchema?.safeParse !== 'function') {
    throw new PlasticityError('E_USAGE', `rule "${name}" needs a create() function and a zod configSchema`, {
      rule: name,
    });
  }
  const existing = rules().get(name);
  if (existing === (plugin as AnyPlugin)) return plugin;
  if (existing) {
    throw new PlasticityError(
      'E_DUPLICATE_RULE',
      `a different rule named "${name}" is already registered (two versions of its package installed?)`,
      { rule: name },
    );
  }
  rules().set(name, plugin as AnyPlugin);
  return plugin;
}

/** The registered rule `name`; E_UNKNOWN_RULE lists the known ones. */
export function getRule<Config = unknown>(name: string): RulePlugin<Config> {
  const plugin = rules().get(name);
  if (plugin) return plugin as RulePlugin<Config>;
  const known = [...rules().keys()].sort();
  const close = closestNames(String(name), known);
  const suggestion = close.length > 0 ? ` Did you mean ${close.map((k) => `"${k}"`).join(' or ')}?` : '';
  const list = known.length > 0 ? known.join(', ') : 'none';
  throw new PlasticityError(
    'E_UNKNOWN_RULE',
    `unknown rule "${name}"; registered rules: ${list}.${suggestion} ` +
      `(A rule registers when its package is imported, e.g. @plasticity/rule-${name}.)`,
    { rule: name, known },
  );
}

/** Registered rules, sorted by name. */
export function listRules(): RulePlugin[] {
  return [...rules().values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** Removes a rule (tests, hot reload). Returns whether it was registered. */
export function unregisterRule(name: string): boolean {
  return rules().delete(name);
}
