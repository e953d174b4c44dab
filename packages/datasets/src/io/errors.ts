import { PlasticityError } from '@plasticity/core-tensors';

/** A bad file: the message names the file first, then what is wrong with it. */
export function formatError(
  source: string,
  problem: string,
  details?: Record<string, unknown>,
): PlasticityError {
  return new PlasticityError('E_DATA_FORMAT', `${source}: ${problem}`, { file: source, problem, ...details });
}
