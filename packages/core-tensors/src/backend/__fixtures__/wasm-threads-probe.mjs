// Run by wasm-threads.test.ts in its own process: starts the wasm backend with the thread count
// given, computes a small training step, prints what it got as JSON, and must exit by itself.
/* global process */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../../dist/index.js';

const requested = process.argv[2] === 'auto' ? 'auto' : Number(process.argv[2]);
const info = await initBackend('wasm', { wasmThreads: requested });
const x = tf.randomUniform([96, 300], -1, 1, 'float32', 1);
const w = tf.variable(tf.randomNormal([300, 256], 0, 0.1, 'float32', 2));
const loss = () => tf.mean(tf.square(tf.relu(tf.matMul(x, w))));
const { value, grads } = tf.variableGrads(loss);
const gradient = grads[w.name].dataSync();
process.stdout.write(
  JSON.stringify({
    detail: info.detail,
    workerGlobal: typeof globalThis.Worker,
    loss: value.dataSync()[0],
    // Bits, not rounded values: the comparison is exact.
    gradient: Array.from(new Uint32Array(gradient.buffer, gradient.byteOffset, gradient.length)),
  }),
);
