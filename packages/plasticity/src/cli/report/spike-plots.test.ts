import { describe, expect, test } from '@jest/globals';
import type { Inspection } from '@plasticity/core-tensors';
import { concatInspections } from './spike-plots.js';

const events = (times: number[]) => ({
  times: Float32Array.from(times),
  units: Int32Array.from(times.map(() => 0)),
});
const part = (t: number): Inspection => ({
  duration: 20,
  layers: [
    { name: 'input', size: 1, samples: [events([t])] },
    { name: 'hidden 1', size: 1, samples: [events([t, t + 1])] },
  ],
  traces: { name: 'output', dt: 10, steps: 2, units: 1, samples: [Float32Array.of(t, t)] },
});

describe('concatInspections', () => {
  test("joins batches' samples in order, layer by layer and in the traces", () => {
    const joined = concatInspections([part(1), part(5)]);
    expect(joined.duration).toBe(20);
    expect(joined.layers.map((l) => [l.name, l.samples.map((s) => Array.from(s.times))])).toEqual([
      ['input', [[1], [5]]],
      [
        'hidden 1',
        [
          [1, 2],
          [5, 6],
        ],
      ],
    ]);
    expect(joined.traces?.samples.map((s) => Array.from(s))).toEqual([
      [1, 1],
      [5, 5],
    ]);
  });
});
