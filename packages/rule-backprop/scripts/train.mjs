/* global console, performance, AbortController */
// Measures the backprop recipes end to end through the public APIs (the same path as
// `plasticity train backprop`), printing one JSON line per run. Uses the built packages:
//   npx tsc -b packages/rule-backprop/tsconfig.build.json packages/datasets/tsconfig.build.json
//   node packages/rule-backprop/scripts/train.mjs --dataset yinyang --backend wasm --seed 0
// Options: --dataset NAME --backend NAME --seed N --epochs N --config '{"hidden":[64]}'
//          --fit '{"batchSize":64}' --steps N (stop after N steps: a timing probe) --progress
//          --data-dir DIR (MNIST in DIR/mnist/, e.g. /work/shared/data)
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import {
  fit,
  getRule,
  initBackend,
  parseConfig,
  parseFitSettings,
  resolveRecipe,
} from '@plasticity/core-tensors';
import { loadDataset } from '@plasticity/datasets';
import '@plasticity/rule-backprop';

const { values: args } = parseArgs({
  options: {
    dataset: { type: 'string', default: 'yinyang' },
    backend: { type: 'string', default: 'wasm' },
    seed: { type: 'string', default: '0' },
    epochs: { type: 'string' },
    config: { type: 'string', default: '{}' },
    fit: { type: 'string', default: '{}' },
    steps: { type: 'string' },
    progress: { type: 'boolean', default: false },
    'data-dir': { type: 'string' },
  },
});

const backend = await initBackend(args.backend);
const rule = getRule('backprop');
const recipe = resolveRecipe(rule, args.dataset);
const config = parseConfig(rule, { ...recipe.config, ...JSON.parse(args.config) }, 'train.mjs');
const settings = parseFitSettings({
  ...recipe.fit,
  ...JSON.parse(args.fit),
  seed: Number(args.seed),
  ...(args.epochs ? { epochs: Number(args.epochs) } : {}),
});
const data = await loadDataset(args.dataset, args['data-dir'] ? { dataDir: args['data-dir'] } : {});
const learner = rule.create(config, data.task, settings.seed);
const controller = new AbortController();
const maxSteps = args.steps ? Number(args.steps) : Infinity;
let steps = 0;
let stepStart = 0;
const started = performance.now();
const result = await fit(
  learner,
  { train: data.train, test: data.test },
  {
    ...settings,
    signal: controller.signal,
    onEvent(event) {
      if (event.type === 'step') {
        if (++steps === 1) stepStart = performance.now();
        if (steps >= maxSteps) controller.abort();
      } else if (event.type === 'epoch' && args.progress) {
        const test = event.test ? ` test ${(event.test.accuracy * 100).toFixed(2)}%` : '';
        console.error(
          `epoch ${event.epoch} lr ${event.learningRate.toExponential(2)} loss ${event.train.loss.toFixed(4)}${test} ${event.seconds.toFixed(1)}s`,
        );
      }
    },
  },
).catch((error) => {
  if (controller.signal.aborted) return undefined;
  throw error;
});
const seconds = (performance.now() - started) / 1000;
const epochs = result?.history.length ?? 0;
console.log(
  JSON.stringify({
    dataset: args.dataset,
    backend: backend.name,
    detail: backend.detail,
    seed: settings.seed,
    config,
    fit: settings,
    epochs,
    testAccuracy: result?.test?.accuracy,
    testLoss: result?.test?.loss,
    seconds,
    secondsPerEpoch: epochs ? result.history.reduce((s, e) => s + e.seconds, 0) / epochs : undefined,
    // Steady-state step rate (excludes the first step's kernel compilation / warm-up).
    samplesPerSecond:
      steps > 1 ? ((steps - 1) * settings.batchSize) / ((performance.now() - stepStart) / 1000) : undefined,
    peakBytes: tf.memory().numBytes,
  }),
);
learner.dispose();
