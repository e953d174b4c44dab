import * as tf from '@tensorflow/tfjs-core';

/** How many tensors one call of `fn` leaves behind (its return value is ignored). */
export async function leakedTensors(fn: () => unknown): Promise<number> {
  const before = tf.memory().numTensors;
  await fn();
  return tf.memory().numTensors - before;
}

export interface NoLeakOptions {
  /** Calls measured after the warm-up (default 5). */
  readonly repeats?: number;
  /** Calls before measuring, for lazily created state such as optimiser slots (default 1). */
  readonly warmup?: number;
}

/**
 * Throws an Error when repeated calls of `fn` change the number of live tensors: after
 * `warmup` calls, `repeats` more must leave `tf.memory().numTensors` exactly where it was.
 */
export async function expectNoLeaks(fn: () => unknown, options: NoLeakOptions = {}): Promise<void> {
  const { repeats = 5, warmup = 1 } = options;
  for (let i = 0; i < warmup; i++) await fn();
  const before = tf.memory().numTensors;
  for (let i = 0; i < repeats; i++) await fn();
  const leaked = tf.memory().numTensors - before;
  if (leaked !== 0) {
    throw new Error(
      `tensor leak: ${leaked} more live tensors after ${repeats} calls (${before} → ${before + leaked}, ` +
        `${(leaked / repeats).toFixed(2)} per call); dispose results or wrap work in tf.tidy`,
    );
  }
}
