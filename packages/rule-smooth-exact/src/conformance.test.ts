import { describeRuleConformance, memorySplit } from '@plasticity/core-tensors/testing';
import { BARS, bars } from './__fixtures__/bars.js';
import { smoothExactRule } from './index.js';

const train = bars(120, 1);
const test = bars(60, 2);

await describeRuleConformance(smoothExactRule, {
  task: BARS,
  data: { train: memorySplit(train.x, train.y, [16]), test: memorySplit(test.x, test.y, [16]) },
  config: { hidden: [24], learningRate: 0.01, threads: 1 },
  batchSize: 30,
  badFields: { hidden: [], drive: 0.2, flipProbability: 0.7 },
  learning: { epochs: 8 },
  skip: {
    learning: { on: ['webgpu'], reason: 'SwiftShader takes minutes; cpu and wasm learn the same arithmetic' },
  },
});
