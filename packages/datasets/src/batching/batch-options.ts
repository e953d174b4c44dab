import { PlasticityError } from '@plasticity/core-tensors';
import type { BatchOptions } from '@plasticity/core-tensors';

/** Rejects a batch size, seed or epoch that is not a whole number in range, naming the field. */
export function checkBatchOptions({ batchSize, seed, epoch }: BatchOptions): void {
  if (!(Number.isInteger(batchSize) && batchSize >= 1)) {
    throw new PlasticityError('E_CONFIG', `batchSize must be a whole number ≥ 1, got ${batchSize}`, {
      field: 'batchSize',
    });
  }
  if (seed !== undefined && !Number.isSafeInteger(seed)) {
    throw new PlasticityError('E_CONFIG', `seed must be a whole number, got ${seed}`, { field: 'seed' });
  }
  if (epoch !== undefined && !(Number.isInteger(epoch) && epoch >= 0)) {
    throw new PlasticityError('E_CONFIG', `epoch must be a whole number ≥ 0, got ${epoch}`, {
      field: 'epoch',
    });
  }
}
