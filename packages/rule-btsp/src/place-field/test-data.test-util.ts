import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, '..', '..', '..', '..');

/** The measured file in the shared data folder beside the repository (PLASTICITY_SHARED overrides). */
export const REAL_KERNEL_CSV = join(
  process.env.PLASTICITY_SHARED ?? join(repoRoot, '..', 'shared'),
  'data',
  'btsp',
  '20220808_BTSP_CA1_data.csv',
);

/** A hand-made table in the same format, committed for clones without the shared folder. */
export const FIXTURE_KERNEL_CSV = join(here, '__fixtures__', 'kernel-fixture.csv');

/** The real data when present, else the fixture; `real` says which. */
export function kernelCsv(): { path: string; text: string; real: boolean } {
  const real = existsSync(REAL_KERNEL_CSV);
  const path = real ? REAL_KERNEL_CSV : FIXTURE_KERNEL_CSV;
  return { path, text: readFileSync(path, 'utf8'), real };
}
