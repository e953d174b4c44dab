import { beforeAll, expect, test } from '@jest/globals';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@plasticity/core-tensors';
import type { Batch, BatchInput, DataSplit, Inspection, Learner } from '@plasticity/core-tensors';
import { inspectTestSamples } from './run-report.js';

beforeAll(async () => {
  await initBackend('cpu');
});

/** Batches of 2 samples whose `y` is `targets` rows (float: a regression) or labels (int32). */
function split(y: number[][] | number[]): DataSplit {
  const rows = y.length;
  return {
    size: rows,
    async *batches({ batchSize }) {
      for (let start = 0; start < rows; start += batchSize) {
        const part = y.slice(start, start + batchSize);
        const batch: Batch = {
          x: tf.zeros([part.length, 1]),
          y: Array.isArray(part[0])
            ? tf.tensor2d(part as number[][])
            : tf.tensor1d(part as number[], 'int32'),
          size: part.length,
        };
        yield batch;
        tf.dispose([batch.x as tf.Tensor, batch.y]);
      }
    },
  };
}

/** A learner whose output traces are 2 steps of 1 unit, the sample's index twice. */
const learner = {
  inspect: async (x: BatchInput): Promise<Inspection> => {
    const count = (x as tf.Tensor).shape[0];
    return {
      duration: 2,
      layers: [],
      traces: {
        name: 'out',
        dt: 1,
        steps: 2,
        units: 1,
        samples: Array.from({ length: count }, (_, b) => Float32Array.of(b, b)),
      },
    };
  },
} as unknown as Learner;

test("a regression's target rows go with its output traces, in sample order; labels stay empty", async () => {
  const targets = Array.from({ length: 6 }, (_, i) => [i, -i]);
  const inspection = await inspectTestSamples(learner, split(targets));
  expect(inspection?.labels).toEqual([]);
  expect(inspection?.data.traces?.targets?.map((t) => Array.from(t))).toEqual(targets);
});

test('class labels are kept as labels, and the traces get no targets', async () => {
  const inspection = await inspectTestSamples(learner, split([1, 0, 1]));
  expect(inspection?.labels).toEqual([1, 0, 1]);
  expect(inspection?.data.traces?.targets).toBeUndefined();
});
