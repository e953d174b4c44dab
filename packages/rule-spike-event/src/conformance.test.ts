import { describeRuleConformance, eventSweeps, memoryEventSplit } from '@plasticity/core-tensors/testing';
import { spikeEventRule } from './index.js';

const CHANNELS = 6;
const DURATION = 70;
const train = eventSweeps(96, 1, CHANNELS, DURATION);
const test = eventSweeps(60, 2, CHANNELS, DURATION);

await describeRuleConformance(spikeEventRule, {
  task: {
    input: { kind: 'events', channels: CHANNELS, duration: DURATION },
    outputs: 2,
    kind: 'classification',
  },
  data: {
    train: memoryEventSplit(train.samples, train.y, CHANNELS, DURATION),
    test: memoryEventSplit(test.samples, test.y, CHANNELS, DURATION),
  },
  config: { hidden: [6], learningRate: 0.05 },
  batchSize: 16,
  badFields: { hidden: [0], dt: 0, intensity: 'relu' },
  learning: { epochs: 15 },
  skip: {
    learning: { on: ['webgpu'], reason: 'SwiftShader takes minutes; cpu and wasm learn the same arithmetic' },
  },
});
