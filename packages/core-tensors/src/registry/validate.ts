import type { ZodType } from 'zod';
import { PlasticityError } from '../errors/plasticity-error.js';

/** One bad field: where, what was expected, what was there. */
export interface ConfigIssue {
  /** Dotted path (`layers[1].size`); empty for the whole value. */
  readonly path: string;
  readonly expected: string;
  readonly received: string;
}

type Path = readonly PropertyKey[];

export function formatPath(path: Path): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

/** A short, readable rendering of a (bad) value. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing (missing)';
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'string')
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value);
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'function') return 'a function';
  return 'an object';
}

/** Paths of NaN/±Infinity anywhere in a plain value (schemas like z.any() would let them in). */
function nonFinitePaths(
  value: unknown,
  path: PropertyKey[] = [],
  out: PropertyKey[][] = [],
  depth = 0,
): PropertyKey[][] {
  if (typeof value === 'number' && !Number.isFinite(value)) out.push(path);
  else if (depth < 32 && value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      nonFinitePaths(child, [...path, Array.isArray(value) ? Number(key) : key], out, depth + 1);
    }
  }
  return out;
}

interface ZodIssueLike {
  readonly code: string;
  readonly path: Path;
  readonly message: string;
  readonly input?: unknown;
  readonly expected?: string;
  readonly origin?: string;
  readonly minimum?: number | bigint;
  readonly maximum?: number | bigint;
  readonly inclusive?: boolean;
  readonly values?: readonly unknown[];
  readonly keys?: readonly string[];
  /** invalid_union from a discriminated union: the allowed discriminator values. */
  readonly options?: readonly unknown[];
}

function valueAt(root: unknown, path: Path): unknown {
  let v: unknown = root;
  for (const key of path)
    v = v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[key] : undefined;
  return v;
}

function bound(issue: ZodIssueLike, small: boolean): string {
  const limit = small ? issue.minimum : issue.maximum;
  if (issue.origin === 'array' || issue.origin === 'set')
    return `${small ? 'at least' : 'at most'} ${limit} items`;
  if (issue.origin === 'string') return `${small ? 'at least' : 'at most'} ${limit} characters`;
  const op = small ? (issue.inclusive ? '≥' : '>') : issue.inclusive ? '≤' : '<';
  return `${issue.origin ?? 'a value'} ${op} ${limit}`;
}

function toIssues(issue: ZodIssueLike, raw: unknown): ConfigIssue[] {
  const received = describeValue('input' in issue ? issue.input : valueAt(raw, issue.path));
  const path = formatPath(issue.path);
  switch (issue.code) {
    case 'invalid_type':
      return [
        {
          path,
          expected: issue.expected === 'int' ? 'integer' : (issue.expected ?? 'another type'),
          received,
        },
      ];
    case 'too_small':
      return [{ path, expected: bound(issue, true), received }];
    case 'too_big':
      return [{ path, expected: bound(issue, false), received }];
    case 'invalid_value':
      return [
        {
          path,
          expected: `one of ${(issue.values ?? []).map((v) => JSON.stringify(v)).join(' | ')}`,
          received,
        },
      ];
    case 'invalid_union':
      if (issue.options) {
        // A discriminated union: zod reports the parent object as input, show the tag instead.
        const tag = describeValue(valueAt(raw, issue.path));
        return [
          {
            path,
            expected: `one of ${issue.options.map((v) => JSON.stringify(v)).join(' | ')}`,
            received: tag,
          },
        ];
      }
      return [{ path, expected: 'one of the allowed forms', received }];
    case 'unrecognized_keys':
      return (issue.keys ?? []).map((key) => ({
        path: formatPath([...issue.path, key]),
        expected: 'no such field (unknown key; check the spelling)',
        received: describeValue(valueAt(raw, [...issue.path, key])),
      }));
    default:
      return [
        { path, expected: issue.message.replace(/^Invalid input:?\s*/i, '') || 'a valid value', received },
      ];
  }
}

export interface ValidateOptions {
  /** What is validated, for the message head (`config for rule "backprop"`). */
  readonly what: string;
  /** Where the value came from (a file name, `--flags`). */
  readonly source?: string;
  /** Details merged into the error. */
  readonly details?: Readonly<Record<string, unknown>>;
}

/**
 * Validates `raw` with a zod schema (filling defaults). On failure throws one E_CONFIG error
 * listing every bad field with expected vs got, and the source. NaN/Infinity are rejected
 * anywhere in `raw`.
 */
export function validateWithSchema<T>(schema: ZodType<T>, raw: unknown, options: ValidateOptions): T {
  const nonFinite = nonFinitePaths(raw);
  const issues: ConfigIssue[] = nonFinite.map((path) => ({
    path: formatPath(path),
    expected: 'a finite number',
    received: describeValue(valueAt(raw, path)),
  }));
  const result = schema.safeParse(raw, { reportInput: true });
  if (result.success && issues.length === 0) return result.data;
  if (!result.success) {
    const flagged = new Set(issues.map((i) => i.path));
    for (const zodIssue of result.error.issues as unknown as ZodIssueLike[]) {
      for (const issue of toIssues(zodIssue, raw)) if (!flagged.has(issue.path)) issues.push(issue);
    }
  }
  const from = options.source ? ` (from ${options.source})` : '';
  const lines = issues.map(
    (i) => `  - ${i.path || '(top level)'}: expected ${i.expected}, got ${i.received}`,
  );
  throw new PlasticityError(
    'E_CONFIG',
    `Invalid ${options.what}${from}: ${issues.length} problem${issues.length === 1 ? '' : 's'}\n${lines.join('\n')}`,
    { ...options.details, source: options.source, issues },
  );
}
