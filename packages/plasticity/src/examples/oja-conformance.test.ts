// The guide's Oja rule keeps the contract every rule keeps: the conformance suite on every backend.
import { createRng } from '@plasticity/core-tensors';
import { describeRuleConformance, memorySplit } from '@plasticity/core-tensors/testing';
import { ojaRule } from './oja-rule.js';

/** Two Gaussian blobs in 4-D: a task a linear readout of principal features learns. */
function blobs(count: number, seed: number) {
  const rng = createRng(seed);
  const y = Int32Array.from({ length: count }, (_, k) => k % 2);
  const x = Float32Array.from({ length: count * 4 }, (_, k) => rng.normal(y[k >> 2] === 0 ? -1 : 1, 0.5));
  return memorySplit(x, y, [4]);
}

await describeRuleConformance(ojaRule, {
  task: { input: { kind: 'dense', shape: [4] }, outputs: 2, kind: 'classification' },
  data: () => ({ train: blobs(128, 1), test: blobs(100, 2) }),
  config: { features: 3, learningRate: 0.05 },
  badFields: { features: 0, initStd: -1 },
});
