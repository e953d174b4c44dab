import {
  DEFAULT_FIT_SETTINGS,
  fit,
  getRule,
  initBackend,
  loadDataset,
  parseConfig,
  resolveRecipe,
} from '../index.js';

await initBackend('wasm');
const data = await loadDataset('yinyang');

// 5-200-3 LIF network, time-to-first-spike loss: the recipe from Wunderlich & Pehle (2021).
const rule = getRule('eventprop');
const recipe = resolveRecipe(rule, 'yinyang');
const learner = rule.create(parseConfig(rule, recipe.config), data.task, 0);

const result = await fit(learner, data, { ...DEFAULT_FIT_SETTINGS, ...recipe.fit, epochs: 5 });
console.log(`test accuracy ${result.test?.accuracy} after ${result.history.length} epochs`);

// Spikes of the first test sample: input, hidden and output layers, times in ms.
for await (const batch of data.test.batches({ batchSize: 1, shuffle: false })) {
  const { layers } = await learner.inspect!(batch.x, { samples: 1 });
  const output = layers[layers.length - 1].samples[0];
  console.log(`first output spike: unit ${output.units[0]} at ${output.times[0]?.toFixed(2)} ms`);
  break;
}
learner.dispose();
