// STDP alone (no labels reach the layer) makes the competitive neurons specialise: each ends up
// with its weight on one of the input patterns, and different neurons on different patterns.
import { beforeAll, expect, test } from '@jest/globals';
import * as tf from '@tensorflow/tfjs-core';
import { createRng, initBackend, paramName } from '@plasticity/core-tensors';
import { stdpConfigSchema } from './config.js';
import { createStdpLearner } from './rule.js';

const [PATTERNS, BLOCK] = [3, 4];

beforeAll(() => initBackend('cpu'));
const INPUTS = PATTERNS * BLOCK;

/** Share of each neuron's incoming weight on each pattern's block of inputs, `[neuron][pattern]`. */
async function blockShares(potentiation: number): Promise<number[][]> {
  const config = stdpConfigSchema.parse({
    hidden: PATTERNS,
    steps: 30,
    threshold: 0.3,
    potentiation,
  });
  const task = {
    input: { kind: 'dense', shape: [INPUTS] },
    outputs: PATTERNS,
    kind: 'classification',
  } as const;
  const learner = createStdpLearner(config, task, 3);
  const rng = createRng(9);
  for (let step = 0; step < 40; step++) {
    const labels = Int32Array.from({ length: 10 }, () => Math.floor(rng.uniform() * PATTERNS));
    const pixels = Float32Array.from({ length: 10 * INPUTS }, (_, k) =>
      Math.floor((k % INPUTS) / BLOCK) === labels[Math.floor(k / INPUTS)] ? 0.9 : 0.05,
    );
    const [x, y] = [tf.tensor2d(pixels, [10, INPUTS]), tf.tensor1d(labels, 'int32')];
    await learner.trainStep({ x, y, size: 10 });
    tf.dispose([x, y]);
  }
  const w = (await learner.params[paramName(0, 'kernel')].array()) as number[][];
  learner.dispose();
  return Array.from({ length: PATTERNS }, (_, j) => {
    const column = w.map((row) => row[j]);
    const total = column.reduce((a, v) => a + v, 0);
    return Array.from(
      { length: PATTERNS },
      (_, p) => column.slice(p * BLOCK, (p + 1) * BLOCK).reduce((a, v) => a + v, 0) / total,
    );
  });
}

test('with STDP each neuron learns a different pattern', async () => {
  const shares = await blockShares(1e-2);
  const preferred = shares.map((row) => row.indexOf(Math.max(...row)));
  expect(new Set(preferred).size).toBe(PATTERNS);
  for (const row of shares) expect(Math.max(...row)).toBeGreaterThan(0.8);
});

test('without potentiation the weights stay spread over all inputs (the control)', async () => {
  for (const row of await blockShares(0)) expect(Math.max(...row)).toBeLessThan(0.5);
});
