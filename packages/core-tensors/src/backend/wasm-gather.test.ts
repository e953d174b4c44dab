// The wasm backend's GatherV2 kernel after `gatherWasmBySlices`: the values of an
// index-by-index reference along every axis, and tfjs' error for an index out of range.
import { beforeAll, expect, test } from '@jest/globals';
import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '../rng/rng.js';
import { useBackend } from '../testing/index.js';

beforeAll(async () => {
  await useBackend('wasm');
});

/** Gather by its definition: out[a, i, c] = x[a, indices[i], c] over the flattened axes. */
function reference(values: ArrayLike<number>, shape: number[], axis: number, picks: number[]): number[] {
  const outer = shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const out: number[] = [];
  for (let a = 0; a < outer; a++)
    for (const p of picks)
      for (let c = 0; c < inner; c++) out.push(values[(a * shape[axis] + p) * inner + c]);
  return out;
}

test('random gathers along every axis of ranks 1 to 4 equal the reference', async () => {
  const rng = createRng(9);
  for (let trial = 0; trial < 48; trial++) {
    const rank = 1 + (trial % 4);
    const shape = Array.from({ length: rank }, () => 1 + rng.int(4));
    const axis = rng.int(rank);
    const picks = Array.from({ length: 1 + rng.int(6) }, () => rng.int(shape[axis]));
    const dtype = (['float32', 'int32', 'bool'] as const)[trial % 3];
    const values = Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) =>
      dtype === 'bool' ? i % 2 : dtype === 'float32' ? i * 0.25 - 2 : i - 5,
    );
    const x = tf.tensor(values, shape, dtype);
    // Indices of rank 2 as well: they become two axes of the output.
    const indexShape = picks.length % 2 === 0 ? [2, picks.length / 2] : [picks.length];
    const indices = tf.tensor(picks, indexShape, 'int32');
    const y = tf.gather(x, indices, axis);
    expect(y.shape).toEqual([...shape.slice(0, axis), ...indexShape, ...shape.slice(axis + 1)]);
    expect(Array.from(await y.data())).toEqual(reference(values, shape, axis, picks));
    tf.dispose([x, indices, y]);
  }
});

test('an index out of range is refused, as tfjs refuses it', () => {
  const x = tf.tensor2d([1, 2, 3, 4], [2, 2]);
  const bad = tf.tensor1d([0, 2], 'int32');
  expect(() => tf.gather(x, bad)).toThrow('GatherV2: the index value 2 is not in [0, 1]');
  tf.dispose([x, bad]);
});
