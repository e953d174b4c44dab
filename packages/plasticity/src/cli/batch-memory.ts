import * as tf from '@tensorflow/tfjs-core';
import { PlasticityError, isPlasticityError } from '@plasticity/core-tensors';
import type { Batch, DataSplit, Learner } from '@plasticity/core-tensors';

/**
 * Tensor bytes a training run can count on in the wasm heap (32-bit addresses, 4 GiB): 60 %.
 * The rest goes to the allocator's fragmentation, XNNPACK's buffers and the evaluation pass:
 * Forward-Forward's MNIST recipe at the batch a 90 % budget allowed (15,434, an estimated
 * 3.6 GiB) ran out of heap, at 10,000 it trains.
 */
export const WASM_TENSOR_BYTES = 0.6 * 2 ** 32;
/** Batches from which `train` checks the memory first: smaller ones stay far from the heap's end. */
export const MEMORY_CHECK_FROM = 1024;
/** The first probe batch; each next one doubles it. */
const FIRST_PROBE = 128;

/** A batch's peak tensor bytes, fitted as a line through two measured batch sizes. */
export interface BatchMemory {
  /** Peak bytes at batch 0 (data, params, optimiser state: what does not grow with the batch). */
  readonly fixedBytes: number;
  readonly bytesPerSample: number;
}

/** The largest batch whose estimated peak stays within `limitBytes` (0 when none does). */
export function largestBatch(memory: BatchMemory, limitBytes: number): number {
  if (memory.bytesPerSample <= 0) return Number.POSITIVE_INFINITY;
  return Math.max(0, Math.floor((limitBytes - memory.fixedBytes) / memory.bytesPerSample));
}

/** Runs `use` on the split's first batch of `batchSize` (a split's batch lives until the loop moves on). */
async function withFirstBatch<T>(
  split: DataSplit,
  batchSize: number,
  use: (batch: Batch) => Promise<T>,
): Promise<T> {
  for await (const batch of split.batches({ batchSize, shuffle: false })) return await use(batch);
  throw new Error('the training split has no samples');
}

/** Peak tensor bytes of one training step of a fresh learner on the split's first `size` samples. */
async function stepPeak(create: () => Learner, train: DataSplit, size: number): Promise<number> {
  const learner = create();
  try {
    const info = await withFirstBatch(train, size, (batch) =>
      tf.profile(async () => (await learner.trainStep(batch)) as unknown as tf.TensorContainer),
    );
    return info.peakBytes;
  } finally {
    learner.dispose();
  }
}

/**
 * Measures a training step's peak tensor bytes at batches of 128, 256, 512, … up to
 * `largestProbe` (each on a fresh learner from `create`, disposed after) and fits a line through
 * the last two. A step's peak is the larger of its activations (growing with the batch) and its
 * optimiser update's temporaries (the size of the params), so only the largest probes show how
 * the activations grow. A probe that does not fit ends the probing (the earlier two are used).
 */
export async function measureBatchMemory(
  create: () => Learner,
  train: DataSplit,
  largestProbe: number,
): Promise<BatchMemory> {
  const sizes: number[] = [];
  const peaks: number[] = [];
  const last = Math.max(2 * FIRST_PROBE, Math.min(largestProbe, train.size));
  for (let size = FIRST_PROBE; size <= last; size *= 2) {
    try {
      peaks.push(await stepPeak(create, train, size));
      sizes.push(size);
    } catch (error) {
      if (sizes.length >= 2 && isPlasticityError(error, 'E_BACKEND')) break;
      throw error;
    }
  }
  const n = sizes.length;
  const bytesPerSample = (peaks[n - 1] - peaks[n - 2]) / (sizes[n - 1] - sizes[n - 2]);
  return { bytesPerSample, fixedBytes: peaks[n - 1] - bytesPerSample * sizes[n - 1] };
}

const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(1)} GiB`;

/**
 * Before a run on the wasm backend at a batch of `MEMORY_CHECK_FROM` or more: refuses a batch
 * whose training step would not fit in the heap, naming the largest batch that would, instead
 * of failing at the first step (or, without core-tensors' allocation guard, corrupting the
 * heap). The estimate is linear in the batch, from steps at doubling batches from 128 up to a
 * quarter of the batch (`measureBatchMemory`).
 */
export async function checkBatchMemory(options: {
  readonly create: () => Learner;
  readonly train: DataSplit;
  readonly batchSize: number;
  /** Default `WASM_TENSOR_BYTES`. */
  readonly limitBytes?: number;
}): Promise<void> {
  const batch = Math.min(options.batchSize, options.train.size);
  if (tf.getBackend() !== 'wasm' || batch < MEMORY_CHECK_FROM) return;
  const limit = options.limitBytes ?? WASM_TENSOR_BYTES;
  // Probes up to a quarter of the batch: a batch that does not fit still leaves room for them.
  const memory = await measureBatchMemory(options.create, options.train, batch / 4);
  const needed = memory.fixedBytes + memory.bytesPerSample * batch;
  if (needed <= limit) return;
  const largest = largestBatch(memory, limit);
  const advice =
    largest >= 1
      ? `The largest batch that fits is about ${largest} (--batch-size ${largest}), or use another backend`
      : `No batch fits: the data, parameters and optimiser state alone need about ${gib(memory.fixedBytes)}; use another backend`;
  throw new PlasticityError(
    'E_BACKEND',
    `wasm: out of memory: a training step at batch ${batch} needs about ${gib(needed)} of tensors; ` +
      `the wasm heap holds about ${gib(limit)}. ${advice}`,
    { backend: 'wasm', reason: 'out-of-memory', batchSize: batch, largestBatch: largest, bytes: needed },
  );
}
