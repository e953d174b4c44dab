import type { Recipe } from '@plasticity/core-tensors';
import type { BpttConfig } from './config.js';

// Measured figures for these recipes are in the package README.

const YINYANG_LR = 5e-3;
const MNIST_LR = 2e-3;
const SHD_LR = 1e-3;

/** snnTorch tutorial 5: β = 0.95 per 1 ms step, PyTorch's `nn.Linear` init U(±1/√fan-in) with a bias. */
const SNNTORCH_TAU = -1 / Math.log(0.95);
const SNNTORCH_LR = 5e-4;
const linear = (fanIn: number, units: number) => ({
  type: 'dense',
  units,
  bias: true,
  init: { dist: 'uniform', lo: -1 / Math.sqrt(fanIn), hi: 1 / Math.sqrt(fanIn) },
});

/**
 * The EventProp reference setups run as surrogate-gradient BPTT on a 1 ms grid, with a leaky
 * integrator readout in place of spiking outputs.
 */
export const bpttRecipes: Readonly<Record<string, Recipe<BpttConfig>>> = {
  yinyang: {
    config: {
      hidden: [200],
      // EventProp's Yin-Yang input code: 10 ms + value·30 ms, bias spike at 20 ms (5 inputs).
      encoder: { t0: 10, span: 30, invert: false, bias: { time: 20 } },
      loss: 'max-voltage',
      dt: 1,
      duration: 60,
      learningRate: YINYANG_LR,
    },
    fit: {
      epochs: 30,
      batchSize: 32,
      learningRate: YINYANG_LR,
      schedule: { kind: 'cosine', minFactor: 0.05 },
    },
    note: '5-200-3 (4 features + bias) lifExp → leaky-integrator readout, max-voltage loss, 60 steps of 1 ms.',
  },
  mnist: {
    config: {
      hidden: [350],
      // Pixel p spikes at (1 − p)·30 ms when p > 1/255 (EventProp's latency MNIST).
      encoder: { t0: 0, span: 30, invert: true, threshold: 1 / 255 },
      loss: 'max-voltage',
      dt: 1,
      duration: 40,
      learningRate: MNIST_LR,
    },
    fit: {
      epochs: 5,
      batchSize: 128,
      learningRate: MNIST_LR,
      schedule: { kind: 'exponential', factor: 0.8 },
    },
    note: '784-350-10 latency-coded MNIST, max-voltage loss, 40 steps of 1 ms.',
  },
  'mnist:snntorch': {
    config: {
      layers: [
        linear(784, 1000),
        { type: 'lif', tauMem: SNNTORCH_TAU },
        linear(1000, 10),
        { type: 'lif', tauMem: SNNTORCH_TAU },
      ],
      inputCoding: 'current',
      dt: 1,
      duration: 25,
      loss: 'step-voltage',
      surrogate: 'arctan',
      surrogateScale: 2,
      optimizer: 'adam',
      learningRate: SNNTORCH_LR,
    },
    fit: { epochs: 1, batchSize: 128, learningRate: SNNTORCH_LR },
    note: "snnTorch's tutorial 5: 784-1000-10 Leaky (β 0.95, subtractive reset), pixels as constant currents for 25 steps, cross-entropy of the output membrane at every step, arctan surrogate, Adam 5e-4.",
  },
  shd: {
    config: {
      hidden: [256],
      recurrent: true,
      loss: 'max-voltage',
      dt: 2,
      duration: 1000,
      learningRate: SHD_LR,
    },
    fit: {
      epochs: 20,
      batchSize: 32,
      learningRate: SHD_LR,
      schedule: { kind: 'cosine', minFactor: 0.1 },
    },
    note: '700-256(recurrent)-20 on Spiking Heidelberg Digits binned to 2 ms over the first second, max-voltage loss.',
  },
};
