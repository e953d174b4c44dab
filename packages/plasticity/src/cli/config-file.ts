import { readFileSync } from 'node:fs';
import { PlasticityError } from '@plasticity/core-tensors';
import type { FitSettings } from '@plasticity/core-tensors';
import { RUN_FORMAT } from './run-dir.js';

/**
 * A `--config` file: `{"config": {...rule config...}, "fit": {...trainer settings...},
 * "backend": "wasm"}`, every part optional. A run's own `config.json` is also accepted (its
 * run keys are ignored), so a run can be repeated with `--config runs/x/config.json`.
 */
export interface ConfigFile {
  readonly path: string;
  readonly rule?: string;
  readonly config: Readonly<Record<string, unknown>>;
  readonly fit: Partial<FitSettings>;
  readonly backend?: string;
}

const OWN_KEYS: readonly string[] = ['rule', 'config', 'fit', 'backend'];

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function configError(path: string, message: string, field?: string): PlasticityError {
  return new PlasticityError('E_CONFIG', `${path}: ${message}`, { file: path, field });
}

export function readConfigFile(path: string): ConfigFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new PlasticityError(
      'E_USAGE',
      code === 'ENOENT'
        ? `--config ${path}: no such file`
        : `--config ${path}: cannot read (${String(error)})`,
      { file: path },
      { cause: error },
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw configError(path, `not valid JSON (${(error as Error).message})`);
  }
  if (!isObject(raw)) throw configError(path, 'expected a JSON object like {"config": {...}, "fit": {...}}');
  // A run's config.json (marked by its format) also describes the run (dataset, task, versions,
  // ...): every other key it holds is the run's, so none is refused, whatever train adds later.
  const isRunConfig = raw.format === RUN_FORMAT;
  if (raw.format !== undefined && !isRunConfig) {
    throw configError(
      path,
      `a run config of format ${JSON.stringify(raw.format)}; this version reads ${RUN_FORMAT}`,
      'format',
    );
  }
  const unknown = isRunConfig ? [] : Object.keys(raw).filter((key) => !OWN_KEYS.includes(key));
  if (unknown.length > 0) {
    throw configError(
      path,
      `unknown key${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `"${k}"`).join(', ')}; ` +
        `expected "config" (rule settings), "fit" (trainer settings), "backend"`,
      unknown[0],
    );
  }
  if (raw.rule !== undefined && typeof raw.rule !== 'string')
    throw configError(path, '"rule" must be a string', 'rule');
  const config = raw.config ?? {};
  if (!isObject(config)) throw configError(path, '"config" must be an object of rule settings', 'config');
  const fit = raw.fit ?? {};
  if (!isObject(fit)) throw configError(path, '"fit" must be an object of trainer settings', 'fit');
  // A run's config.json records the backend as {requested, name, detail}.
  const backend = isObject(raw.backend) ? raw.backend.requested : raw.backend;
  if (backend !== undefined && typeof backend !== 'string')
    throw configError(path, '"backend" must be a string', 'backend');
  return { path, rule: raw.rule as string | undefined, config, fit: fit as Partial<FitSettings>, backend };
}
