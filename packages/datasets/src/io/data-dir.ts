import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * Where data sets live and downloads are cached: `$PLASTICITY_DATA_DIR` when set, else
 * `~/.cache/plasticity`. MNIST goes in `<dir>/mnist/`.
 */
export function defaultDataDir(): string {
  const fromEnv = process.env.PLASTICITY_DATA_DIR;
  return fromEnv !== undefined && fromEnv.trim() !== ''
    ? resolve(fromEnv)
    : join(homedir(), '.cache', 'plasticity');
}
