import { describeRuleConformance, memorySplit, noisyXor } from '@plasticity/core-tensors/testing';
import { backpropRule } from './index.js';

const train = noisyXor(128, 1);
const test = noisyXor(100, 2);

await describeRuleConformance(backpropRule, {
  task: { input: { kind: 'dense', shape: [2] }, outputs: 2, kind: 'classification' },
  data: { train: memorySplit(train.x, train.y, [2]), test: memorySplit(test.x, test.y, [2]) },
  // Dropout draws per step: resume must restore the step count that seeds it.
  config: { hidden: [8], activation: 'tanh', learningRate: 0.05, dropout: 0.1 },
  batchSize: 32,
  badFields: { learningRate: 0, hidden: [-4], dropout: 1 },
  learning: { epochs: 8 },
  skip: {
    learning: { on: ['webgpu'], reason: 'SwiftShader takes minutes; cpu and wasm learn the same arithmetic' },
  },
});
