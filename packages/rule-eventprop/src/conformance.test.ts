import { describeRuleConformance, noisyXorConformance } from '@plasticity/core-tensors/testing';
import { eventpropRule } from './index.js';

await describeRuleConformance(eventpropRule, {
  ...noisyXorConformance({ unit: true }),
  config: {
    hidden: [20],
    loss: 'max-voltage',
    encoder: { t0: 0, span: 20, bias: { time: 10 } },
    duration: 50,
    learningRate: 2e-2,
    threads: 1,
  },
  batchSize: 32,
  steps: 4,
  badFields: { hidden: [0], learningRate: -1, loss: 'hinge' },
  learning: { epochs: 10 },
  skip: {
    learning: { on: ['webgpu'], reason: 'SwiftShader takes minutes; cpu and wasm learn the same arithmetic' },
  },
});
