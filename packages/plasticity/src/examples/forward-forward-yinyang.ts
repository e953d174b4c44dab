import { fit, getRule, initBackend, loadDataset, parseConfig } from '../index.js';

await initBackend('wasm');
const data = await loadDataset('yinyang');

// Two layers of 120 ReLUs, each trained only by its own goodness objective. Yin-Yang's four
// features have no blank pixels to write the label into, so the label is appended instead.
const rule = getRule('forward-forward');
const config = parseConfig(rule, {
  hidden: [120, 120],
  labelPlacement: 'append',
  readoutFrom: 0,
  learningRate: 3e-3,
  readoutLearningRate: 3e-3,
});
const learner = rule.create(config, data.task, 0);
const result = await fit(learner, data, {
  epochs: 5,
  batchSize: 32,
  learningRate: 3e-3,
  schedule: { kind: 'constant' },
  seed: 0,
});
const last = result.history[result.history.length - 1].train;
console.log(
  `layer 1 goodness: positive ${last.goodnessPositive1.toFixed(0)}, negative ${last.goodnessNegative1.toFixed(0)}`,
);
console.log(
  `test accuracy ${result.test?.accuracy} after ${result.history.length} epochs (one-pass softmax)`,
);
learner.dispose();
