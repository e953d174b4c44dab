import type { Recipe } from '@plasticity/core-tensors';
import type { EventpropConfig } from './config.js';

// Measured figures for these recipes are in the package README.

const YINYANG_LR = 5e-3;
const MNIST_LR = 5e-3;
// The fan-in default leaves ~70% of the 350 hidden neurons silent on MNIST's ~150 input
// spikes; a positive mean with a wide spread starts with ~15% silent and learns faster.
const MNIST_INIT = [
  { mean: 0.03, std: 0.3 },
  { mean: 0, std: 0.3 },
];

// Network, input code and loss shared by a dataset's default recipe and its paper preset.
const YINYANG_NETWORK = {
  hidden: [200],
  loss: 'ttfs',
  // Wunderlich & Pehle: value v spikes at 10 + 30·v ms, the bias channel at 20 ms.
  encoder: { t0: 10, span: 30, invert: false, bias: { time: 20 } },
  duration: 60,
  init: [
    { mean: 1.5, std: 0.78 },
    { mean: 0.93, std: 0.1 },
  ],
  optimizer: 'adam',
} as const satisfies Partial<EventpropConfig>;

const MNIST_NETWORK = {
  hidden: [350],
  loss: 'max-voltage',
  // Pixel p spikes at (1 − p)·30 ms when p > 1/255, on a 0.5 ms grid (GeNN steps 1 ms): 1.4×
  // faster than exact times, as 60 distinct times replace up to 255.
  encoder: { t0: 0, span: 30, invert: true, threshold: 1 / 255, resolution: 0.5 },
  duration: 40,
  init: MNIST_INIT,
  optimizer: 'adam',
} as const satisfies Partial<EventpropConfig>;

export const eventpropRecipes: Readonly<Record<string, Recipe<EventpropConfig>>> = {
  yinyang: {
    config: {
      ...YINYANG_NETWORK,
      learningRate: YINYANG_LR,
    },
    fit: {
      // Seeds 0–3: 97.5–98.0 % where 40 cosine epochs gave 96.4–97.8 % (README).
      epochs: 150,
      batchSize: 32,
      learningRate: YINYANG_LR,
      schedule: { kind: 'exponential', factor: 0.98 },
    },
    note: '5-200-3 LIF, TTFS loss, Wunderlich & Pehle’s encoding and init, Adam 5e-3 ×0.98 per epoch.',
  },
  'yinyang:paper': {
    config: {
      ...YINYANG_NETWORK,
      learningRate: 1e-2,
    },
    fit: {
      epochs: 300,
      batchSize: 256,
      learningRate: 1e-2,
      schedule: { kind: 'step', factor: 0.95, every: 5 },
    },
    note: 'Wunderlich & Pehle 2021 Yin-Yang schedule: Adam 1e-2, batch 256, ×0.95 every 5 epochs, 300 epochs.',
  },
  mnist: {
    config: {
      ...MNIST_NETWORK,
      learningRate: MNIST_LR,
    },
    fit: {
      // 26 epochs fit the 20 minutes on 2 cores (two threads, 36–45 s per epoch as the hidden
      // layer's spike count grows); cosine anneals within them.
      epochs: 26,
      batchSize: 128,
      learningRate: MNIST_LR,
      schedule: { kind: 'cosine', minFactor: 0.01 },
    },
    note: '784-350-10, latency code (1 − pixel)·30 ms, leaky-integrator max-voltage loss.',
  },
  'mnist:paper': {
    config: {
      ...MNIST_NETWORK,
      learningRate: 5e-3,
    },
    fit: { epochs: 100, batchSize: 128, learningRate: 5e-3, schedule: { kind: 'exponential', factor: 0.97 } },
    note: 'Nowotny et al. latency MNIST schedule: Adam 5e-3 ×0.97 per epoch, batch 128, 100 epochs.',
  },
  shd: {
    config: {
      hidden: [{ size: 256, recurrent: true }],
      loss: 'exp-mean-voltage',
      optimizer: 'adam',
      learningRate: 1e-3,
      recurrentInit: { mean: 0, std: 0.02 },
    },
    fit: { epochs: 50, batchSize: 32, learningRate: 1e-3, schedule: { kind: 'constant' } },
    note: '700-256 recurrent-20, exp-weighted mean voltage (Nowotny et al. loss shaping); untuned.',
  },
  // Your own arrays or events (`train --train events.npy`): the defaults, sized to the input.
  files: {
    note: 'For your own files: the default network (dense features are latency-coded), sized to the input.',
  },
};
