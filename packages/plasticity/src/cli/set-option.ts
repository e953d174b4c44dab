import { PlasticityError, closestNames, fitSettingsSchema } from '@plasticity/core-tensors';
import type { ConfigIssue } from '@plasticity/core-tensors';
import type { ZodType } from 'zod';

/** Prefix of the `--set` keys that address trainer settings (`fit.epochs=3`); the rest are rule settings. */
export const FIT_PREFIX = 'fit.';

/** One `--set key=value`: the dotted key as typed, its path and the parsed value. */
export interface SetOverride {
  readonly key: string;
  /** Path inside the rule config, or inside the trainer settings when `fit`. */
  readonly path: readonly (string | number)[];
  readonly fit: boolean;
  readonly value: unknown;
  /** The value as typed. */
  readonly text: string;
}

function usage(arg: string, why: string): PlasticityError {
  return new PlasticityError(
    'E_USAGE',
    `--set ${arg}: ${why}; write --set key=value (e.g. --set hidden=[100,100], --set fit.epochs=3)`,
    { option: '--set', value: arg },
  );
}

/** The value as JSON when it parses (numbers, booleans, arrays, objects, null), else the string itself. */
function parseValue(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** Parses `--set` arguments; a key is dotted names, array items as `.0` or `[0]`. */
export function parseSetOptions(args: readonly string[]): SetOverride[] {
  return args.map((arg) => {
    const eq = arg.indexOf('=');
    if (eq <= 0) throw usage(arg, 'expected key=value');
    const key = arg.slice(0, eq).trim();
    const parts = key.replace(/\[(\d+)\]/g, '.$1').split('.');
    if (parts.some((p) => p === '')) throw usage(arg, `"${key}" is not a dotted key`);
    const fit = key.startsWith(FIT_PREFIX);
    const path = (fit ? parts.slice(1) : parts).map((p) => (/^\d+$/.test(p) ? Number(p) : p));
    const text = arg.slice(eq + 1);
    return { key, path, fit, value: parseValue(text), text };
  });
}

// zod 4 internals, read only to list the keys an object schema knows.
interface SchemaDef {
  readonly type: string;
  readonly shape?: Readonly<Record<string, ZodType>>;
  readonly innerType?: ZodType;
  readonly in?: ZodType;
  readonly element?: ZodType;
  readonly options?: readonly ZodType[];
}
const defOf = (schema: ZodType): SchemaDef => (schema as unknown as { _zod: { def: SchemaDef } })._zod.def;

/** The schemas a value at `schema` may have, with optional/default/pipe wrappers removed. */
function forms(schema: ZodType): ZodType[] {
  const def = defOf(schema);
  if (def.innerType) return forms(def.innerType);
  if (def.type === 'pipe' && def.in) return forms(def.in);
  if (def.type === 'union' && def.options) return def.options.flatMap(forms);
  return [schema];
}

/**
 * The first key of `path` that no object form of `schema` knows, with the keys known there;
 * undefined when every key is known or the schema cannot tell (a record, `z.any()`).
 */
function unknownKey(
  schema: ZodType,
  path: readonly (string | number)[],
): { readonly at: number; readonly known: string[] } | undefined {
  let current = [schema];
  for (let at = 0; at < path.length; at++) {
    const step = path[at];
    const next: ZodType[] = [];
    const known = new Set<string>();
    let open = false;
    for (const form of current.flatMap(forms)) {
      const def = defOf(form);
      if (def.type === 'object' && def.shape) {
        Object.keys(def.shape).forEach((k) => known.add(k));
        if (typeof step === 'string' && Object.hasOwn(def.shape, step)) next.push(def.shape[step]);
      } else if (def.type === 'array' && def.element && typeof step === 'number') {
        next.push(def.element);
      } else if (
        def.type === 'tuple' ||
        def.type === 'record' ||
        def.type === 'any' ||
        def.type === 'unknown'
      ) {
        open = true;
      }
    }
    if (next.length === 0) return open || known.size === 0 ? undefined : { at, known: [...known].sort() };
    current = next;
  }
  return undefined;
}

/** Refuses a `--set` key the rule's schema (or the trainer's) does not have, suggesting the closest. */
export function checkSetKeys(overrides: readonly SetOverride[], ruleSchema: ZodType, rule: string): void {
  for (const o of overrides) {
    const missing = unknownKey(o.fit ? fitSettingsSchema : ruleSchema, o.path);
    if (!missing) continue;
    const name = String(o.path[missing.at]);
    const prefix = [...(o.fit ? ['fit'] : []), ...o.path.slice(0, missing.at)].join('.');
    const full = (k: string): string => (prefix ? `${prefix}.${k}` : k);
    const close = closestNames(name, missing.known, Math.max(2, Math.floor(name.length / 3)));
    const where = o.fit ? 'the trainer' : `rule "${rule}"`;
    throw new PlasticityError(
      'E_CONFIG',
      `--set ${o.key}: ${where} has no setting "${full(name)}"` +
        (close.length > 0 ? `; did you mean ${full(close[0])}?` : '') +
        ` (known${prefix ? ` under ${prefix}` : ''}: ${missing.known.join(', ')}` +
        (o.fit || prefix
          ? ')'
          : `; trainer settings are fit.${Object.keys(defOf(fitSettingsSchema).shape ?? {}).join(', fit.')})`),
      { option: '--set', key: o.key, suggestion: close[0] !== undefined ? full(close[0]) : undefined },
    );
  }
}

/** `target` with `value` at `path`, copying the objects and arrays along the way. */
function setAt(target: unknown, path: readonly (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  const container: Record<string | number, unknown> | unknown[] = Array.isArray(target)
    ? [...target]
    : target !== null && typeof target === 'object'
      ? { ...target }
      : typeof head === 'number'
        ? []
        : {};
  (container as Record<string | number, unknown>)[head] = setAt(
    (container as Record<string | number, unknown>)[head],
    rest,
    value,
  );
  return container;
}

/** `base` with the overrides of one kind (rule or trainer settings) applied in order. */
export function applySets(
  base: Readonly<Record<string, unknown>>,
  overrides: readonly SetOverride[],
): Record<string, unknown> {
  return overrides.reduce<Record<string, unknown>>(
    (acc, o) => setAt(acc, o.path, o.value) as Record<string, unknown>,
    { ...base },
  );
}

/**
 * A validation error whose bad fields were set by `--set`, as one line per such key naming
 * it (`--set hidden=abc: expected array, got "abc"`); other errors unchanged.
 */
export function blameSets(error: unknown, overrides: readonly SetOverride[], fit: boolean): unknown {
  if (!(error instanceof PlasticityError) || error.code !== 'E_CONFIG') return error;
  const issues = (error.details?.issues ?? []) as readonly ConfigIssue[];
  const lines: string[] = [];
  for (const o of overrides.filter((x) => x.fit === fit)) {
    const path = o.path
      .map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`))
      .join('')
      .replace(/^\./, '');
    const hits = issues.filter(
      (i) => i.path === path || i.path.startsWith(`${path}.`) || i.path.startsWith(`${path}[`),
    );
    for (const i of hits) {
      const sub = i.path === path ? '' : ` (${i.path})`;
      lines.push(`--set ${o.key}=${o.text}${sub}: expected ${i.expected}, got ${i.received}`);
    }
  }
  if (lines.length === 0) return error;
  return new PlasticityError(
    'E_CONFIG',
    lines.join('\n'),
    { ...error.details, option: '--set' },
    { cause: error },
  );
}
