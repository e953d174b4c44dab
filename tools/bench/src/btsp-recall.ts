import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '@plasticity/core-tensors';
import {
  activeOf,
  createBinaryMemory,
  drawPlateaus,
  randomPatterns,
  recallBinary,
  storeBinaryItem,
  type BinaryMemory,
  type BinaryMemoryParams,
} from '@plasticity/rule-btsp';

export interface BtspRecallOptions {
  readonly inputs: number;
  readonly outputs: number;
  readonly density: number;
  readonly plateauProbability: number;
  readonly connectivity: number;
  readonly threshold: number;
  /** Items stored before recall is timed. */
  readonly items: number;
  /** Cues per float32 matmul (the tfjs recall's batch). */
  readonly batch: number;
  /** Measuring time per recall method, seconds (each runs at least `minRounds` rounds). */
  readonly seconds: number;
  readonly minRounds?: number;
  readonly seed?: number;
}

export interface BtspRecallCost {
  readonly storeItemsPerSecond: number;
  /** Cues per second: bit-sliced popcount recall over the cue's active rows, one cue at a time. */
  readonly popcountCuesPerSecond: number;
  /** Cues per second: a float32 Σ over the cue's active rows of a dense Float32Array matrix. */
  readonly floatRowsCuesPerSecond: number;
  /** Cues per second: tfjs `matMul` of a [batch, inputs] float32 cue batch with the dense weights. */
  readonly matmulCuesPerSecond: number;
  /** Bytes of the packed weights and mask, and of the float32 weight matrix. */
  readonly packedBytes: number;
  readonly floatBytes: number;
  /** Every method gave the same outputs for the timed cues. */
  readonly agree: boolean;
}

function timeRounds(round: () => void, seconds: number, minRounds: number): number {
  let rounds = 0;
  const start = performance.now();
  let elapsed = 0;
  while (rounds < minRounds || elapsed < seconds * 1000) {
    round();
    rounds++;
    elapsed = performance.now() - start;
  }
  return rounds / (elapsed / 1000);
}

/** The packed weights as a dense [inputs, outputs] float32 matrix of 0s and 1s. */
function toFloat(memory: BinaryMemory): Float32Array {
  const { inputs, outputs } = memory.params;
  const dense = new Float32Array(inputs * outputs);
  for (let i = 0; i < inputs; i++) {
    for (let j = 0; j < outputs; j++) {
      dense[i * outputs + j] = (memory.weights[i * memory.wordsPerRow + (j >>> 5)] >>> (j & 31)) & 1;
    }
  }
  return dense;
}

function packRow(values: ArrayLike<number>, offset: number, outputs: number, threshold: number): Uint32Array {
  const out = new Uint32Array(Math.ceil(outputs / 32));
  for (let j = 0; j < outputs; j++) if (values[offset + j] > threshold) out[j >>> 5] |= 1 << (j & 31);
  return out;
}

const same = (a: Uint32Array, b: Uint32Array): boolean =>
  a.length === b.length && a.every((v, k) => v === b[k]);

/**
 * Stores `items` seeded items in a binary BTSP memory, then times recall of `batch` stored items
 * three ways on the same weights: the package's popcount recall, float32 sums over the cue's
 * active rows, and a dense float32 matmul in tfjs on the active backend. It checks that all
 * three give the same outputs.
 */
export async function benchmarkBtspRecall(options: BtspRecallOptions): Promise<BtspRecallCost> {
  const minRounds = options.minRounds ?? 2;
  const params: BinaryMemoryParams = { ...options, variant: 'set-reset' };
  const rng = createRng(options.seed ?? 0);
  const memory = createBinaryMemory(params, rng.fork('mask'));
  const patterns = randomPatterns(options.items, options.inputs, options.density, rng.fork('items'));
  const plateaus = rng.fork('plateaus');
  const start = performance.now();
  for (let k = 0; k < options.items; k++)
    storeBinaryItem(memory, activeOf(patterns, k), drawPlateaus(params, plateaus));
  const storeItemsPerSecond = options.items / ((performance.now() - start) / 1000);

  const { inputs, outputs, threshold } = options;
  const cues = Array.from({ length: options.batch }, (_, k) => activeOf(patterns, k % options.items));
  const popcount = () => cues.map((cue) => recallBinary(memory, cue));
  const popcountCuesPerSecond = cues.length * timeRounds(popcount, options.seconds, minRounds);

  const dense = toFloat(memory);
  const sums = new Float32Array(outputs);
  const floatRows = () =>
    cues.map((cue) => {
      sums.fill(0);
      for (const i of cue) {
        const row = i * outputs;
        for (let j = 0; j < outputs; j++) sums[j] += dense[row + j];
      }
      return packRow(sums, 0, outputs, threshold);
    });
  const floatRowsCuesPerSecond = cues.length * timeRounds(floatRows, options.seconds, minRounds);

  const x = new Float32Array(cues.length * inputs);
  cues.forEach((cue, k) => cue.forEach((i) => (x[k * inputs + i] = 1)));
  const weights = tf.tensor2d(dense, [inputs, outputs]);
  const batch = tf.tensor2d(x, [cues.length, inputs]);
  let matmulOut: Float32Array = new Float32Array(0);
  const matmul = () => {
    const product = tf.matMul(batch, weights);
    matmulOut = product.dataSync() as Float32Array;
    product.dispose();
  };
  let matmulCuesPerSecond: number;
  try {
    matmul(); // warm-up: kernel setup, thread pool
    matmulCuesPerSecond = cues.length * timeRounds(matmul, options.seconds, minRounds);
  } finally {
    tf.dispose([weights, batch]);
  }

  const reference = popcount();
  const rows = floatRows();
  const agree = reference.every(
    (z, k) => same(z, rows[k]) && same(z, packRow(matmulOut, k * outputs, outputs, threshold)),
  );
  return {
    storeItemsPerSecond,
    popcountCuesPerSecond,
    floatRowsCuesPerSecond,
    matmulCuesPerSecond,
    packedBytes: memory.weights.byteLength + memory.mask.byteLength,
    floatBytes: dense.byteLength,
    agree,
  };
}
