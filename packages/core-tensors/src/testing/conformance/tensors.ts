// Host copies of tensors, and comparisons of them, for the conformance checks.
import * as tf from '@tensorflow/tfjs-core';
import { getBackendInfo } from '../../backend/init.js';
import type { Batch, DataSplit } from '../../contract/task.js';
import { PlasticityError } from '../../errors/plasticity-error.js';
import { assertClose, tolerance } from '../tolerance.js';

/** A tensor's shape, dtype and values, read to the host. */
export interface HostCopy {
  readonly shape: readonly number[];
  readonly dtype: string;
  readonly values: ArrayLike<number>;
}

export async function hostCopies(
  tensors: Readonly<Record<string, tf.Tensor>>,
): Promise<Record<string, HostCopy>> {
  const out: Record<string, HostCopy> = {};
  for (const [name, t] of Object.entries(tensors)) {
    out[name] = { shape: t.shape, dtype: t.dtype, values: (await t.data()) as ArrayLike<number> };
  }
  return out;
}

/** True on backends whose results repeat bit for bit (cpu, wasm); GPUs get `tolerance()`. */
function deterministic(): boolean {
  const name = getBackendInfo()?.name;
  return name === 'cpu' || name === 'wasm';
}

/**
 * The first difference between two sets of tensors (names, shapes, dtypes, then values: bit for
 * bit when `exact` or on a deterministic backend, else within the backend's tolerance), or
 * undefined when they agree.
 */
export function firstDifference(
  actual: Readonly<Record<string, HostCopy>>,
  expected: Readonly<Record<string, HostCopy>>,
  exact = deterministic(),
): string | undefined {
  const names = Object.keys(expected).sort();
  const got = Object.keys(actual).sort();
  if (names.join() !== got.join()) return `tensor names [${got.join(', ')}], expected [${names.join(', ')}]`;
  for (const name of names) {
    const a = actual[name];
    const e = expected[name];
    if (a.dtype !== e.dtype || a.shape.join() !== e.shape.join()) {
      return `"${name}" is ${a.dtype} [${a.shape}], expected ${e.dtype} [${e.shape}]`;
    }
    if (exact) {
      const at = Array.prototype.findIndex.call(
        a.values,
        (v: number, i: number) => !Object.is(v, e.values[i]),
      );
      if (at >= 0) return `"${name}"[${at}] is ${a.values[at]}, expected ${e.values[at]} (bit for bit)`;
    } else {
      try {
        assertClose(a.values, e.values, tolerance(getBackendInfo()?.name ?? 'webgpu'), `"${name}"`);
      } catch (error) {
        return (error as Error).message;
      }
    }
  }
  return undefined;
}

/** True when some tensor of `a` differs in any value from the same-named one of `b`. */
export function anyValueDiffers(
  a: Readonly<Record<string, HostCopy>>,
  b: Readonly<Record<string, HostCopy>>,
): boolean {
  return firstDifference(a, b, true) !== undefined;
}

/** Batches that outlive the split's iteration: copies of the first `count` (cycling), in order. */
export interface HeldBatches {
  readonly batches: readonly Batch[];
  dispose(): void;
}

export async function holdBatches(split: DataSplit, batchSize: number, count: number): Promise<HeldBatches> {
  const held: Batch[] = [];
  const owned: tf.Tensor[] = [];
  while (held.length < count) {
    const before = held.length;
    for await (const batch of split.batches({ batchSize, shuffle: false })) {
      const x = batch.x instanceof tf.Tensor ? batch.x.clone() : batch.x;
      const y = batch.y.clone();
      if (x instanceof tf.Tensor) owned.push(x);
      owned.push(y);
      held.push({ x, y, size: batch.size });
      if (held.length === count) break;
    }
    if (held.length === before)
      throw new PlasticityError('E_USAGE', 'rule conformance: the training split yields no batches');
  }
  return { batches: held, dispose: () => tf.dispose(owned) };
}
