/* global process, performance, console */
// One case of the `peers` suite, in a process of its own (the wasm thread count is fixed when
// the backend starts): `node peers-case.js <workload> <threads>`. Prints one JSON object: the
// workload's training samples/s, the process's peak RSS, and the backend's own matmul rate
// measured here first, so the training loop's GFLOP/s can be put against it.
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, parseConfig, resolveRecipe } from '@plasticity/core-tensors';
import { backpropRule } from '@plasticity/rule-backprop';
import { bpttRule } from '@plasticity/rule-bptt';
import { loadDataset } from '@plasticity/datasets';
import { eventpropRule } from '@plasticity/rule-eventprop';
import { forwardForwardRule } from '@plasticity/rule-forward-forward';
import { benchmarkEventProp } from './dist/eventprop.js';
import { measureTraining } from './mnist-sized.js';

const [workload, threadsArg] = process.argv.slice(2);
const threads = Number(threadsArg);
const SECONDS = Number(process.env.PEERS_SECONDS ?? 4);

/** GFLOP/s of a 256×800 by 800×800 product: the peak the training loops are put against. */
function matmulRate() {
  const a = tf.randomNormal([256, 800], 0, 1, 'float32', 1);
  const b = tf.variable(tf.randomNormal([800, 800], 0, 0.05, 'float32', 2));
  for (let i = 0; i < 5; i++) tf.matMul(a, b).dispose();
  const start = performance.now();
  let n = 0;
  while (performance.now() - start < 1000) {
    tf.matMul(a, b).dispose();
    n++;
  }
  const seconds = (performance.now() - start) / 1000;
  tf.dispose([a, b]);
  return (2 * 256 * 800 * 800 * n) / seconds / 1e9;
}

/** Samples/s of `rule` at `config`, batch `batchSize`, over seeded synthetic MNIST-sized batches. */
async function trainRate(rule, config, batchSize) {
  return (await measureTraining(rule, config, batchSize, SECONDS, 'peers')).samplesPerSecond;
}

const FF_FLOPS = 2 * (2 * 784 * 500 + 5 * 500 * 500);

const WORKLOADS = {
  // snnTorch tutorial 5: 784-1000-10 Leaky, 25 steps of direct input, batch 128, Adam. The input
  // projection runs once per sample, not 25 times (time-invariant input): counted as the
  // work done, forward 2 and backward 4 flops per multiply-add, the readout at every step.
  bptt: async () => {
    const samples = await trainRate(bpttRule, bpttRule.recipes['mnist:snntorch'].config, 128);
    return { samplesPerSecond: samples, flopsPerSample: 6 * (784 * 1000 + 25 * 1000 * 10) };
  },
  // 784-800-800-10 ReLU, batch 256, Adam: 6 flops per multiply-add and sample (forward 2, backward 4).
  mlp: async () => {
    const samples = await trainRate(backpropRule, { hidden: [800, 800], optimizer: 'adam' }, 256);
    return { samplesPerSecond: samples, flopsPerSample: 6 * (784 * 800 + 800 * 800 + 800 * 10) };
  },
  // Forward-Forward 784-500-500 at batch 1,000 (supervised, the default): the image's product
  // with the first layer is shared by the positive, neutral and negative passes, and its weight
  // gradient takes the summed upstream gradient, so per sample the first layer costs 2 products
  // and the second 5 (3 forward, 2 weight gradients; no input gradients): 2 flops each.
  ff: async () => {
    const samples = await trainRate(forwardForwardRule, { hidden: [500, 500], threads: 1 }, 1000);
    return { samplesPerSecond: samples, flopsPerSample: FF_FLOPS };
  },
  // The same on Forward-Forward's own data-parallel threads (one wasm thread each).
  'ff-threads': async () => {
    const samples = await trainRate(forwardForwardRule, { hidden: [500, 500], threads }, 1000);
    return { samplesPerSecond: samples, flopsPerSample: FF_FLOPS };
  },
  // EventProp 784 -> 10, T = 20 ms, batch 128, Poisson input at 20 Hz (the `snn` suite's);
  // `threads` are its own.
  eventprop: async () => {
    const result = await benchmarkEventProp({
      inputs: 784,
      hidden: [],
      outputs: 10,
      duration: 20,
      batchSize: 128,
      seconds: SECONDS,
      config: { threads },
    });
    return { samplesPerSecond: result.samplesPerSecond };
  },
};

/**
 * EventProp's MNIST recipe network (784-350-10, latency code, batch 128) on `threads` of its
 * own: training samples/s on real MNIST batches (a fixed shuffle) after 3 warm-up steps. With
 * more than one thread, a one-thread learner trains in the same process, in alternating rounds
 * of 20 batches, and the row also gives the median per-round gain over it: this host's speed
 * drifts more between processes than the gain being measured. Reads MNIST from
 * $PLASTICITY_DATA_DIR; nothing is downloaded.
 */
async function eventpropMnist() {
  const data = await loadDataset('mnist', { download: false });
  const recipe = resolveRecipe(eventpropRule, 'mnist');
  const create = (count) =>
    eventpropRule.create(parseConfig(eventpropRule, { ...recipe.config, threads: count }), data.task, 0);
  const batches = [];
  for await (const b of data.train.batches({ batchSize: 128, shuffle: true, seed: 1 })) {
    batches.push({ x: b.x.clone(), y: b.y.clone(), size: b.size });
    if (batches.length === 23) break;
  }
  const learners = threads > 1 ? [create(threads), create(1)] : [create(1)];
  const rate = async (learner) => {
    const start = performance.now();
    for (const b of batches.slice(3)) await learner.trainStep(b);
    return (20 * 128) / ((performance.now() - start) / 1000);
  };
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  try {
    for (const learner of learners) for (const b of batches.slice(0, 3)) await learner.trainStep(b);
    const rounds = threads > 1 ? 5 : 3;
    const rates = learners.map(() => []);
    for (let round = 0; round < rounds; round++) {
      // Alternate which goes first, so neither always follows the other.
      const order = round % 2 === 0 ? learners.map((_, i) => i) : learners.map((_, i) => i).reverse();
      for (const i of order) rates[i].push(await rate(learners[i]));
    }
    return {
      samplesPerSecond: median(rates[0]),
      ...(threads > 1 ? { gainOverOne: median(rates[0].map((r, k) => r / rates[1][k])) } : {}),
    };
  } finally {
    tf.dispose(batches.flatMap((b) => [b.x, b.y]));
    for (const learner of learners) learner.dispose();
  }
}
WORKLOADS['eventprop-mnist'] = eventpropMnist;

const run = WORKLOADS[workload];
if (!run || !Number.isInteger(threads) || threads < 1) {
  console.error(`usage: peers-case.js <${Object.keys(WORKLOADS).join('|')}> <threads>`);
  process.exit(2);
}
// EventProp's and ff-threads' threads are their own; the others' are the wasm backend's.
const ownThreads = workload.startsWith('eventprop') || workload === 'ff-threads';
const info = await initBackend('wasm', { wasmThreads: ownThreads ? 1 : threads });
// Rules on threads of their own run one wasm thread each: their peak is that many times one thread's.
const peak = matmulRate() * (ownThreads ? threads : 1);
const result = await run();
process.stdout.write(
  JSON.stringify({
    workload,
    threads,
    detail: info.detail,
    matmulGflops: peak,
    ...result,
    ...(result.flopsPerSample ? { gflops: (result.samplesPerSecond * result.flopsPerSample) / 1e9 } : {}),
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  }),
);
