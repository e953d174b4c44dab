import { describeRuleConformance, noisyXorConformance } from '@plasticity/core-tensors/testing';
import { backpropRule } from './index.js';

await describeRuleConformance(backpropRule, {
  ...noisyXorConformance(),
  // Dropout draws per step: resume must restore the step count that seeds it.
  config: { hidden: [8], activation: 'tanh', learningRate: 0.05, dropout: 0.1 },
  batchSize: 32,
  badFields: { learningRate: 0, hidden: [-4], dropout: 1 },
  learning: { epochs: 8 },
  skip: {
    learning: { on: ['webgpu'], reason: 'SwiftShader takes minutes; cpu and wasm learn the same arithmetic' },
  },
});
