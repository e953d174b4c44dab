import { describeRuleConformance, noisyXorConformance } from '@plasticity/core-tensors/testing';
import { bpttRule } from './index.js';

await describeRuleConformance(bpttRule, {
  ...noisyXorConformance({ unit: true }),
  config: {
    hidden: [16],
    encoder: { span: 16 },
    duration: 24,
    learningRate: 0.05,
    init: [
      { mean: 10, std: 10 },
      { mean: 0, std: 1 },
    ],
  },
  batchSize: 32,
  steps: 4,
  badFields: { hidden: [0], learningRate: -1, duration: 0 },
  learning: { epochs: 10 },
  skip: {
    learning: { on: ['webgpu'], reason: 'SwiftShader takes minutes; cpu and wasm learn the same arithmetic' },
  },
});
