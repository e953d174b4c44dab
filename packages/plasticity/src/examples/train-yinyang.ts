import {
  DEFAULT_FIT_SETTINGS,
  fit,
  getRule,
  initBackend,
  loadDataset,
  parseConfig,
  resolveRecipe,
} from '../index.js';

const backend = await initBackend(); // 'auto': CUDA or a hardware GPU when present, else wasm
const data = await loadDataset('yinyang'); // train / validation / test, as published

const rule = getRule('backprop'); // registered by importing plasticity
const recipe = resolveRecipe(rule, 'yinyang'); // the rule's recommended settings for this dataset
const config = parseConfig(rule, { ...recipe.config, hidden: [64] }); // validated, defaults filled
const learner = rule.create(config, data.task, 0);

const result = await fit(learner, data, {
  ...DEFAULT_FIT_SETTINGS,
  ...recipe.fit,
  epochs: 10,
  onEvent: (event) => {
    if (event.type === 'epoch') console.log(`epoch ${event.epoch}: test accuracy ${event.test?.accuracy}`);
  },
});
console.log(`${backend.name}: test accuracy ${result.test?.accuracy} after ${result.history.length} epochs`);
learner.dispose();
