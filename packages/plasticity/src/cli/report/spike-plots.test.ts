import { describe, expect, test } from '@jest/globals';
import type { Inspection } from '@plasticity/core-tensors';
import { concatInspections, voltagePlot } from './spike-plots.js';

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

describe('regression targets', () => {
  const withTargets = (t: number): Inspection => {
    const p = part(t);
    return { ...p, traces: { ...p.traces!, targets: [Float32Array.of(-t, -t)] } };
  };

  test('concatInspections keeps the targets in sample order', () => {
    const joined = concatInspections([withTargets(1), withTargets(5)]);
    expect(joined.traces?.targets?.map((s) => Array.from(s))).toEqual([
      [-1, -1],
      [-5, -5],
    ]);
  });

  test('voltagePlot draws each unit and, when given, its target', () => {
    const traces = withTargets(2).traces!;
    const svg = voltagePlot(traces, 0, 'Readout', ['channel 0']);
    expect(svg).toContain('channel 0');
    expect(svg).toContain('target channel 0');
    expect(voltagePlot(part(2).traces!, 0, 'Readout', ['channel 0'])).not.toContain('target');
  });
});
