import { describeRuleConformance, memorySplit, noisyXor } from '@plasticity/core-tensors/testing';
import { forwardForwardRule } from './index.js';

const train = noisyXor(128, 1);
const test = noisyXor(100, 2);

await describeRuleConformance(forwardForwardRule, {
  task: { input: { kind: 'dense', shape: [2] }, outputs: 2, kind: 'classification' },
  data: { train: memorySplit(train.x, train.y, [2]), test: memorySplit(test.x, test.y, [2]) },
  // Hard negatives and peer normalisation keep running state that resume must restore.
  config: {
    hidden: [16, 16],
    labelPlacement: 'append',
    learningRate: 0.03,
    readoutLearningRate: 0.03,
    threads: 1,
  },
  batchSize: 32,
  badFields: { hidden: [], learningRate: -1, goodness: 'max' },
  learning: { epochs: 8 },
  skip: {
    learning: { on: ['webgpu'], reason: 'SwiftShader takes minutes; cpu and wasm learn the same arithmetic' },
  },
});
