// Run by wasm-threads.test.ts in its own process: starts the wasm backend with the thread count
// given, computes a small training step, prints what it got as JSON, and must exit by itself.
/* global process */
import * as tf from '@tensorflow/tfjs-core';
import { createGradientStep, initBackend } from '../../../dist/index.js';

const requested = process.argv[2] === 'auto' ? 'auto' : Number(process.argv[2]);
const info = await initBackend('wasm', { wasmThreads: requested });
const x = tf.randomUniform([96, 300], -1, 1, 'float32', 1);
const w = tf.variable(tf.randomNormal([300, 256], 0, 0.1, 'float32', 2));
const loss = () => tf.mean(tf.square(tf.relu(tf.matMul(x, w))));
const { value, grads } = tf.variableGrads(loss);
const gradient = grads[w.name].dataSync();
// Two Adam steps (the fused kernel, on the shared heap when threaded) against tfjs' own Adam.
const fused = createGradientStep({ w: tf.variable(w.clone()) }, { optimizer: 'adam', learningRate: 0.01 });
const reference = tf.variable(w.clone());
const plain = tf.train.adam(0.01, 0.9, 0.999, 1e-7);
for (let step = 0; step < 2; step++) {
  fused.apply({ w: grads[w.name] });
  plain.applyGradients({ [reference.name]: grads[w.name] });
}
const adam = fused.params.w.dataSync();
const bits = (values) => Array.from(new Uint32Array(values.buffer, values.byteOffset, values.length));
const referenceBits = bits(reference.dataSync());
process.stdout.write(
  JSON.stringify({
    detail: info.detail,
    workerGlobal: typeof globalThis.Worker,
    loss: value.dataSync()[0],
    // Bits, not rounded values: the comparison is exact.
    gradient: bits(gradient),
    adam: bits(adam),
    adamIsTfjs: bits(adam).every((b, i) => b === referenceBits[i]),
  }),
);
