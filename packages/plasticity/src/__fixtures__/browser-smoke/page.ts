// The browser smoke test's page: imports `plasticity` as a web app would and trains backprop and
// EventProp on Yin-Yang for two epochs each with their recipes. The test calls
// `window.runSmoke(backend, batchSizes)`.
import * as tf from '@tensorflow/tfjs-core';
import {
  DEFAULT_FIT_SETTINGS,
  fit,
  getRule,
  initBackend,
  loadDataset,
  parseConfig,
  resolveRecipe,
} from 'plasticity';

type Backend = 'wasm' | 'webgpu';

interface PageScope {
  readonly location: { readonly origin: string };
  runSmoke?: (backend: Backend, batchSizes?: Record<string, number>) => Promise<unknown>;
}
const page = globalThis as unknown as PageScope;

page.runSmoke = async (backend, batchSizes = {}) => {
  // The tfjs wasm binaries come from this site, never a CDN.
  const info = await initBackend(backend, { wasmPaths: `${page.location.origin}/wasm/` });
  const data = await loadDataset('yinyang');
  const rules = [];
  for (const name of ['backprop', 'eventprop']) {
    const rule = getRule(name);
    const recipe = resolveRecipe(rule, 'yinyang');
    const learner = rule.create(parseConfig(rule, recipe.config), data.task, 0);
    const batchSize = batchSizes[name] ?? recipe.fit?.batchSize ?? DEFAULT_FIT_SETTINGS.batchSize;
    try {
      const result = await fit(learner, data, {
        ...DEFAULT_FIT_SETTINGS,
        ...recipe.fit,
        batchSize,
        epochs: 2,
      });
      rules.push({
        rule: name,
        batchSize,
        epochs: result.history.length,
        secondsPerEpoch: result.history.map((epoch) => epoch.seconds),
        testAccuracy: result.test?.accuracy,
      });
    } finally {
      learner.dispose();
    }
  }
  return { backend: info.name, detail: info.detail, tfBackend: tf.getBackend(), rules };
};
