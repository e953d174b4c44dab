import { describeRuleConformance, noisyXorConformance } from '@plasticity/core-tensors/testing';
import { forwardForwardRule } from './index.js';

await describeRuleConformance(forwardForwardRule, {
  ...noisyXorConformance(),
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
