import { describeRuleConformance, memorySplit, noisyXor } from '@plasticity/core-tensors/testing';
import { btspRule } from './index.js';

const train = noisyXor(128, 1);
const test = noisyXor(100, 2);

await describeRuleConformance(btspRule, {
  task: { input: { kind: 'dense', shape: [2] }, outputs: 2, kind: 'classification' },
  data: { train: memorySplit(train.x, train.y, [2]), test: memorySplit(test.x, test.y, [2]) },
  config: { hidden: [24] },
  batchSize: 32,
  badFields: { hidden: [], plateauFraction: 0, learning: 'oja' },
  learning: { epochs: 8 },
  skip: {
    learning: { on: ['webgpu'], reason: 'SwiftShader takes minutes; cpu and wasm learn the same arithmetic' },
  },
});
