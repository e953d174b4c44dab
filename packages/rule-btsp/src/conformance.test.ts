import { describeRuleConformance, noisyXorConformance } from '@plasticity/core-tensors/testing';
import { btspRule } from './index.js';

await describeRuleConformance(btspRule, {
  ...noisyXorConformance(),
  config: { hidden: [24] },
  batchSize: 32,
  badFields: { hidden: [], plateauFraction: 0, learning: 'oja' },
  learning: { epochs: 8 },
  skip: {
    learning: { on: ['webgpu'], reason: 'SwiftShader takes minutes; cpu and wasm learn the same arithmetic' },
  },
});
