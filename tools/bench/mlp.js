// Suite `mlp`: training throughput of the backprop MLP on every backend available, on the
// Yin-Yang and MNIST recipe networks and the same seeded synthetic batches, with ratios against
// wasm (the Node default) measured in the same run, and each step's peak tensor memory
// (tf.profile) and live tensor memory (tf.memory()).
import * as tf from '@tensorflow/tfjs-core';
import { createRng, initBackend, parseConfig, resolveRecipe } from '@plasticity/core-tensors';
import { backpropRule } from '@plasticity/rule-backprop';
import { mb, printTable, rate, timeLoop } from './table.js';

// The two recipe networks: Yin-Yang (tiny: per-step overhead dominates) and MNIST (matmul-bound).
const WORKLOADS = [
  { name: 'yinyang', features: 4, classes: 3 },
  { name: 'mnist', features: 784, classes: 10 },
].map((w) => {
  const recipe = resolveRecipe(backpropRule, w.name);
  const config = parseConfig(backpropRule, recipe.config);
  const batchSize = recipe.fit.batchSize;
  return {
    ...w,
    config,
    batchSize,
    label: `${[w.features, ...config.hidden, w.classes].join('-')} b${batchSize}`,
  };
});

/** Seeded synthetic batches (host-drawn, identical on every backend). */
function makeBatches(workload, count) {
  const rng = createRng(0).fork(workload.name);
  return Array.from({ length: count }, () => {
    const x = rng.uniformArray(workload.batchSize * workload.features, 0, 1);
    const y = Int32Array.from({ length: workload.batchSize }, () => rng.int(workload.classes));
    return { x, y };
  });
}

async function measure(backend, workload, seconds) {
  const info = await initBackend(backend);
  const task = {
    input: { kind: 'dense', shape: [workload.features] },
    outputs: workload.classes,
    kind: 'classification',
  };
  const learner = backpropRule.create(workload.config, task, 0);
  const batches = makeBatches(workload, 8).map(({ x, y }) => ({
    x: tf.tensor2d(x, [workload.batchSize, workload.features]),
    y: tf.tensor1d(y, 'int32'),
    size: workload.batchSize,
  }));
  // Warm-up (optimiser slots, kernel/shader compilation), then one profiled step for peak memory.
  await learner.trainStep(batches[0]);
  const profile = await tf.profile(() => learner.trainStep(batches[1]));
  // At least 2 steps: software WebGPU (SwiftShader) takes seconds per MNIST-sized step.
  const { steps, elapsed } = await timeLoop((i) => learner.trainStep(batches[i % batches.length]), seconds);
  const memory = tf.memory();
  const result = {
    workload: workload.name,
    network: workload.label,
    backend,
    detail: info.detail,
    steps,
    samplesPerSecond: (steps * workload.batchSize) / (elapsed / 1000),
    msPerStep: elapsed / steps,
    peakStepBytes: profile.peakBytes,
    liveBytes: memory.numBytes,
    liveTensors: memory.numTensors,
  };
  tf.dispose(batches.flatMap((b) => [b.x, b.y]));
  learner.dispose();
  return result;
}

/** Runs the suite; returns its results and prints a table unless `json`. */
export async function runMlpSuite({ backends, seconds, json, progress }) {
  const results = [];
  for (const workload of WORKLOADS) {
    for (const backend of backends) {
      try {
        results.push(await measure(backend, workload, seconds));
      } catch (error) {
        results.push({
          workload: workload.name,
          network: workload.label,
          backend,
          error: String(error?.message ?? error),
        });
      }
      progress();
    }
  }
  for (const r of results) {
    const ref = results.find((q) => q.workload === r.workload && q.backend === 'wasm' && !q.error);
    if (!r.error && ref) r.vsWasm = r.samplesPerSecond / ref.samplesPerSecond;
  }
  if (!json) {
    const rows = [['network', 'backend', 'samples/s', 'vs wasm', 'ms/step', 'peak MB', 'live MB', 'detail']];
    for (const r of results) {
      rows.push(
        r.error
          ? [r.network, r.backend, 'error', '', '', '', '', r.error]
          : [
              r.network,
              r.backend,
              rate(r.samplesPerSecond),
              r.vsWasm === undefined ? 'n/a' : `${r.vsWasm.toFixed(2)}x`,
              r.msPerStep.toFixed(2),
              mb(r.peakStepBytes),
              mb(r.liveBytes),
              r.detail,
            ],
      );
    }
    printTable(
      'mlp: backprop MLP training throughput (Adam, synthetic seeded batches)',
      rows,
      '(ratios are vs wasm in this run)',
    );
  }
  return results;
}
