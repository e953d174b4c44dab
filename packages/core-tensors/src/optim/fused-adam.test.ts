import { beforeAll, describe, expect, test } from '@jest/globals';
import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeaks, testBackends, useBackend } from '../testing/index.js';
import { FusedAdamOptimizer } from './fused-adam.js';
import { FUSED_ADAM, FUSED_ADAM_BACKENDS } from './fused-adam-kernel.js';

// Sizes off the kernel's four-lane width exercise its scalar tail; 4099 spans many vectors.
const SHAPES = [[3], [5, 7], [4099], [2, 2]];
const backends = await testBackends();

/** Params and `steps` gradient sets drawn by tfjs' seeded ops (the same on every backend). */
function draw(steps: number, tag: string) {
  const params = SHAPES.map((shape, i) =>
    tf.variable(tf.randomNormal(shape, 0, 1, 'float32', 10 + i), true, `${tag}-${i}-${tf.getBackend()}`),
  );
  // Mixed scales: tiny gradients make epsilon matter, large ones the moments. (Seed 0 would mean
  // "unseeded" to tfjs.)
  const grads = Array.from({ length: steps }, (_, s) =>
    SHAPES.map((shape, i) =>
      tf.mul(tf.randomNormal(shape, 0, 1, 'float32', 1000 + 100 * s + i), 10 ** (i - 3)),
    ),
  );
  return { params, grads };
}

const bits = async (t: tf.Tensor) => Array.from(new Uint32Array(((await t.data()) as Float32Array).buffer));

// Resume (state saved, loaded, stepped on) is checked through createGradientStep, which uses this
// optimiser for 'adam': gradient-step.test.ts.
describe.each(backends)('FusedAdamOptimizer on %s', (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });

  test('steps, moments and β powers are bit-identical to tfjs AdamOptimizer', async () => {
    const ours = draw(5, 'fused');
    const theirs = draw(5, 'tfjs');
    const fused = new FusedAdamOptimizer(0.01, 0.8, 0.95, 1e-6);
    const plain = tf.train.adam(0.01, 0.8, 0.95, 1e-6);
    let kernels: string[] = [];
    for (let s = 0; s < 5; s++) {
      // A learning-rate change mid-run, as a schedule makes it.
      if (s === 3) {
        for (const o of [fused, plain]) (o as unknown as { learningRate: number }).learningRate = 0.003;
      }
      const profile = await tf.profile(() =>
        fused.applyGradients(ours.params.map((p, i) => ({ name: p.name, tensor: ours.grads[s][i] }))),
      );
      kernels = profile.kernels.map((k) => k.name);
      plain.applyGradients(theirs.params.map((p, i) => ({ name: p.name, tensor: theirs.grads[s][i] })));
    }
    // Where the fused kernel exists it ran (once per param); elsewhere tfjs' ops did.
    const fusedHere = (FUSED_ADAM_BACKENDS as readonly string[]).includes(backend);
    expect(kernels.filter((k) => k === FUSED_ADAM)).toHaveLength(fusedHere ? SHAPES.length : 0);
    for (let i = 0; i < SHAPES.length; i++)
      expect(await bits(ours.params[i])).toEqual(await bits(theirs.params[i]));
    const [ourWeights, theirWeights] = [await fused.getWeights(), await plain.getWeights()];
    expect(ourWeights.map((w) => w.name.replace('fused', ''))).toEqual(
      theirWeights.map((w) => w.name.replace('tfjs', '')),
    );
    for (let k = 0; k < ourWeights.length; k++)
      expect(await bits(ourWeights[k].tensor)).toEqual(await bits(theirWeights[k].tensor));
    expect(fused.iterations).toBe(5);
    fused.dispose();
    plain.dispose();
    tf.dispose([...ours.params, ...theirs.params, ...ours.grads.flat(), ...theirs.grads.flat()]);
  });

  test('steps leave no tensors behind', async () => {
    const { params, grads } = draw(1, 'leaks');
    const optimizer = new FusedAdamOptimizer(0.01, 0.9, 0.999, 1e-7);
    await expectNoLeaks(
      () => optimizer.applyGradients(params.map((p, i) => ({ name: p.name, tensor: grads[0][i] }))),
      { repeats: 20 },
    );
    optimizer.dispose();
    tf.dispose([...params, ...grads.flat()]);
  });
});
