import { resolve } from 'node:path';
import { PlasticityError, isBackendName } from '@plasticity/core-tensors';
import type { BackendName } from '@plasticity/core-tensors';
import type { LoadDatasetOptions } from '@plasticity/datasets';
import type { CliIO } from '../io.js';

export const BACKEND_CHOICES: BackendName[] = ['auto', 'cpu', 'wasm', 'webgpu', 'node-gpu'];

/** A backend name read from a file (flags are checked by commander's `choices`). */
export function checkBackendName(value: string | undefined, source = 'config'): BackendName | undefined {
  if (value === undefined) return undefined;
  if (!isBackendName(value)) {
    throw new PlasticityError(
      'E_CONFIG',
      `${source}: backend must be one of ${BACKEND_CHOICES.join(', ')}, got ${JSON.stringify(value)}`,
      { field: 'backend', value, source },
    );
  }
  return value;
}

/** `--data-dir`, else `$PLASTICITY_DATA_DIR` (from the CLI's environment), else the datasets default. */
export function dataDirOf(options: { readonly dataDir?: string }, io: CliIO): string | undefined {
  const dir = options.dataDir ?? io.env.PLASTICITY_DATA_DIR;
  return dir !== undefined && dir.trim() !== '' ? resolve(io.cwd, dir) : undefined;
}

/** Dataset loading options from CLI flags: where, whether to download, and download progress lines. */
export function datasetOptions(
  options: { readonly dataDir?: string; readonly download?: boolean; readonly quiet?: boolean },
  io: CliIO,
  signal?: AbortSignal,
): LoadDatasetOptions {
  const started = new Set<string>();
  return {
    dataDir: dataDirOf(options, io),
    download: options.download ?? true,
    signal,
    onProgress: options.quiet
      ? undefined
      : (progress) => {
          if (!started.has(progress.url)) {
            started.add(progress.url);
            io.stderr.write(`downloading ${progress.url}\n`);
          }
          if (progress.done) {
            io.stderr.write(`saved ${progress.dest} (${(progress.receivedBytes / 1e6).toFixed(1)} MB)\n`);
          }
        },
  };
}
