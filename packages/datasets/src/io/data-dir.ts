import { homedir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { PlasticityError } from '@plasticity/core-tensors';
import { exists } from './exists.js';

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

/**
 * Refuses a data dir that is itself a data set's folder (`--data-dir ~/data/mnist` instead of
 * `~/data`): files are read from `<dataDir>/<folder>/`, so it would look in `mnist/mnist` and
 * download a second copy there. `names` are the entries the data set's folder holds.
 */
export async function refuseDatasetFolderAsDataDir(
  dataDir: string,
  folder: string,
  names: readonly string[],
): Promise<void> {
  for (const name of names) if (await exists(join(dataDir, folder, name))) return;
  for (const name of names) {
    if (!(await exists(join(dataDir, name)))) continue;
    const parent = dirname(resolve(dataDir));
    const fix =
      basename(resolve(dataDir)) === folder
        ? `pass its parent, ${parent}`
        : `move the files into ${join(dataDir, folder)}`;
    throw new PlasticityError(
      'E_USAGE',
      `the data dir ${dataDir} holds ${folder} files itself (${name}), but data sets are read from <data dir>/${folder}/; ${fix}`,
      { dataDir, folder, found: join(dataDir, name) },
    );
  }
}
