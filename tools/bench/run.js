#!/usr/bin/env node
/* global console, process, performance */
// `npm run bench`: training throughput of the backprop MLP on every backend available here,
// measured in one process on the same networks and the same seeded synthetic batches, with
// ratios against the wasm backend (the Node default) measured in the same run, and each
// step's peak tensor memory (tf.profile) and live tensor memory (tf.memory()).
//
// It imports the built packages (packages/*/dist), so run `npm run build` once first; it needs
// no other build step. Options:
//   --backends cpu,wasm,webgpu   which backends (default: every available one)
//   --seconds S                  measuring time per backend and network (default 3)
//   --json                       one JSON object on stdout instead of the table
// Timings on a shared or throttled machine vary; compare ratios from the same run only.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
for (const pkg of ['core-tensors', 'rule-backprop']) {
  if (!existsSync(join(root, 'packages', pkg, 'dist', 'index.js'))) {
    console.error(`bench: packages/${pkg}/dist is missing; run \`npm run build\` first.`);
    process.exit(1);
  }
}

const tf = await import('@tensorflow/tfjs-core');
const { createRng, initBackend, parseConfig, probeBackends, resolveRecipe } =
  await import('@plasticity/core-tensors');
const { backpropRule } = await import('@plasticity/rule-backprop');

const { values: args } = parseArgs({
  options: {
    backends: { type: 'string' },
    seconds: { type: 'string', default: '3' },
    json: { type: 'boolean', default: false },
  },
});
const seconds = Number(args.seconds);
if (!(seconds > 0)) {
  console.error(`bench: --seconds must be a positive number, got ${args.seconds}`);
  process.exit(2);
}

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

const probes = await probeBackends();
const available = probes.filter((p) => p.available).map((p) => p.name);
const wanted = args.backends
  ? args.backends.split(',').map((s) => s.trim())
  : ['wasm', 'cpu', 'webgpu', 'node-gpu'];
const backends = wanted.filter((b) => available.includes(b));
for (const b of wanted.filter((b) => !available.includes(b))) {
  const probe = probes.find((p) => p.name === b);
  if (args.backends || b === 'wasm' || b === 'cpu') {
    console.error(`bench: skipping ${b}: ${probe ? probe.reason : 'unknown backend'}`);
  }
}

/** Seeded synthetic batches (host-drawn, identical on every backend). */
function makeBatches(workload, count) {
  const rng = createRng(0).fork(workload.name);
  return Array.from({ length: count }, () => {
    const x = rng.uniformArray(workload.batchSize * workload.features, 0, 1);
    const y = Int32Array.from({ length: workload.batchSize }, () => rng.int(workload.classes));
    return { x, y };
  });
}

async function measure(backend, workload) {
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
  let steps = 0;
  const start = performance.now();
  let elapsed = 0;
  // At least 2 steps: software WebGPU (SwiftShader) takes seconds per MNIST-sized step.
  while (steps < 2 || elapsed < seconds * 1000) {
    await learner.trainStep(batches[steps % batches.length]);
    steps++;
    elapsed = performance.now() - start;
  }
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

const results = [];
const started = performance.now();
for (const workload of WORKLOADS) {
  for (const backend of backends) {
    try {
      results.push(await measure(backend, workload));
    } catch (error) {
      results.push({
        workload: workload.name,
        network: workload.label,
        backend,
        error: String(error?.message ?? error),
      });
    }
    if (!args.json) process.stderr.write('.');
  }
}
if (!args.json) process.stderr.write('\n');
for (const r of results) {
  const ref = results.find((q) => q.workload === r.workload && q.backend === 'wasm' && !q.error);
  if (!r.error && ref) r.vsWasm = r.samplesPerSecond / ref.samplesPerSecond;
}

if (args.json) {
  console.log(JSON.stringify({ seconds: (performance.now() - started) / 1000, results }));
} else {
  const mb = (bytes) => (bytes / 2 ** 20).toFixed(1);
  const rows = [['network', 'backend', 'samples/s', 'vs wasm', 'ms/step', 'peak MB', 'live MB', 'detail']];
  for (const r of results) {
    rows.push(
      r.error
        ? [r.network, r.backend, 'error', '', '', '', '', r.error]
        : [
            r.network,
            r.backend,
            Math.round(r.samplesPerSecond).toLocaleString('en-US'),
            r.vsWasm === undefined ? 'n/a' : `${r.vsWasm.toFixed(2)}x`,
            r.msPerStep.toFixed(2),
            mb(r.peakStepBytes),
            mb(r.liveBytes),
            r.detail,
          ],
    );
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => String(row[c]).length)));
  console.log('backprop MLP training throughput (Adam, synthetic seeded batches, one process)');
  for (const row of rows)
    console.log(
      row
        .map((cell, c) => String(cell).padEnd(widths[c]))
        .join('  ')
        .trimEnd(),
    );
  console.log(`(${((performance.now() - started) / 1000).toFixed(0)} s; ratios are vs wasm in this run)`);
}
// Dawn keeps the process alive; exit explicitly.
process.exit(results.some((r) => r.error) ? 1 : 0);
