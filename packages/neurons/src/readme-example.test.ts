// The README's example, run as written on every backend: it must compile and train-step.
import { beforeAll, describe, expect, test } from '@jest/globals';
import * as tf from '@tensorflow/tfjs-core';
import { createRng, normalTensor, uniformTensor } from '@plasticity/core-tensors';
import { testBackends, useBackend } from '@plasticity/core-tensors/testing';
import {
  denseSpiking,
  fastSigmoid,
  leakyIntegrator,
  leakyIntegratorParams,
  lifExpParams,
  maxVoltage,
  simulate,
} from './index.js';

const backends = await testBackends();

describe.each(backends)('%s', (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });

  test('README example', async () => {
    // --- README begin (keep in sync) ---
    const rng = createRng(1);
    const dt = 0.5; // ms
    const hidden = denseSpiking({ inputs: 5, units: 200, model: lifExpParams({ dt }), name: 'hidden' });
    const readout = leakyIntegrator({ inputs: 200, units: 3, model: leakyIntegratorParams({ dt }) });
    const weights = [
      { kernel: tf.variable(normalTensor(rng.fork('w1'), [5, 200], 1.5, 0.8)) },
      { kernel: tf.variable(normalTensor(rng.fork('w2'), [200, 3], 0.9, 0.1)) },
    ];
    const x = tf.tidy(() =>
      tf.cast(tf.less(uniformTensor(rng.fork('x'), [100, 8, 5]), 0.05), 'float32'),
    ) as tf.Tensor3D;
    const labels = tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2, 0, 1], 'int32'), 3);
    const { value, grads } = tf.variableGrads(() => {
      const { spikes } = hidden.run(weights[0], x, fastSigmoid());
      const { v } = readout.run(weights[1], spikes);
      return tf.losses.softmaxCrossEntropy(labels, maxVoltage(v)) as tf.Scalar;
    });
    const result = await simulate([hidden, readout], weights, x, { recordVoltage: true });
    // --- README end ---
    expect(Number.isFinite((await value.data())[0])).toBe(true);
    expect(result.layers[1].samples[0].times.length).toBeGreaterThan(0);
    const g = await grads[weights[0].kernel.name].data();
    expect(g.some((v) => v !== 0)).toBe(true); // surrogate gradients reach the first layer
    tf.dispose([value, x, labels, ...Object.values(grads), ...weights.map((w) => w.kernel)]);
  });
});
