import { memorySplit } from '../memory-split.js';
import { noisyXor, unitNoisyXor } from '../toy-data.js';
import type { RuleConformanceOptions } from './options.js';

/**
 * Noisy XOR as a conformance task: 128 training and 100 test points of two dense features, two
 * classes. `unit: true` moves the features into [0, 1] (`unitNoisyXor`), for rate and latency
 * encoders.
 */
export function noisyXorConformance(
  options: { readonly unit?: boolean } = {},
): Pick<RuleConformanceOptions, 'task' | 'data'> {
  const points = options.unit ? unitNoisyXor : noisyXor;
  const train = points(128, 1);
  const test = points(100, 2);
  return {
    task: { input: { kind: 'dense', shape: [2] }, outputs: 2, kind: 'classification' },
    data: { train: memorySplit(train.x, train.y, [2]), test: memorySplit(test.x, test.y, [2]) },
  };
}
