import { describe, expect, test } from '@jest/globals';
import { isPlasticityError } from '@plasticity/core-tensors';
import { btspMemoryExperiment } from './experiment.js';
import { btspMemoryOptionsSchema, type BtspMemoryOptions } from './options.js';

const parse = (options: Record<string, unknown>): BtspMemoryOptions => btspMemoryOptionsSchema.parse(options);
const tiny = {
  inputs: 600,
  outputs: 300,
  items: 400,
  points: 3,
  density: 0.05,
  threshold: 8,
  plateauProbability: 0.02,
  cues: 40,
};

async function configCode(options: BtspMemoryOptions): Promise<string | undefined> {
  try {
    await btspMemoryExperiment.run(options, { seed: 1 });
  } catch (error) {
    return isPlasticityError(error) ? error.code : String(error);
  }
  return undefined;
}

describe('btsp-memory experiment', () => {
  test('runs end to end at a small shape with the Hopfield baseline: figures, charts, progress', async () => {
    const progress: (number | undefined)[] = [];
    const result = await btspMemoryExperiment.run(parse({ ...tiny, hopfield: true, variant: 'toggle' }), {
      seed: 3,
      onProgress: (_message, fraction) => progress.push(fraction),
    });
    const figures = result.figures as Record<string, unknown> & {
      relativeDistance: Record<string, number>;
      hopfield: { size: number; continuous: Record<string, number>; binarised: Record<string, number> };
      bytes: { weights: number; mask: number; total: number };
    };
    expect(Object.keys(figures.relativeDistance).map(Number)).toEqual([133, 267, 400]);
    for (const d of Object.values(figures.relativeDistance)) expect(d).toBeGreaterThanOrEqual(0);
    expect(figures.hopfield.size).toBe(600);
    expect(Object.keys(figures.hopfield.continuous)).toHaveLength(3);
    for (const d of [
      ...Object.values(figures.hopfield.continuous),
      ...Object.values(figures.hopfield.binarised),
    ]) {
      expect(Number.isFinite(d)).toBe(true);
    }
    // 600 rows of ceil(300 / 32) = 10 words, 4 bytes each, for weights and for the mask
    expect(figures.bytes).toEqual({ weights: 24_000, mask: 24_000, total: 48_000 });
    expect(figures.variant).toBe('toggle');
    expect(result.charts).toHaveLength(2);
    expect(result.charts[0].logX).toBe(true);
    expect(result.charts[0].series).toHaveLength(3);
    for (const series of result.charts[0].series)
      for (const [, y] of series.points) expect(y).toBeLessThanOrEqual(1);
    expect(result.charts[1].series.map((s) => s.dashed ?? false)).toEqual([false, true]);
    expect(progress[progress.length - 1]).toBe(1);
    expect(result.tables?.[0].rows).toHaveLength(3);
  });

  test('the same seed gives the same figures', async () => {
    const a = await btspMemoryExperiment.run(parse(tiny), { seed: 9 });
    const b = await btspMemoryExperiment.run(parse(tiny), { seed: 9 });
    expect(a.figures.relativeDistance).toEqual(b.figures.relativeDistance);
    expect(a.figures.weightFraction).toEqual(b.figures.weightFraction);
  });

  test('impossible shapes are E_CONFIG errors', async () => {
    expect(await configCode(parse({ ...tiny, inputs: 100, density: 0.005 }))).toBe('E_CONFIG');
    expect(await configCode({ ...parse(tiny), removed: 1 })).toBe('E_CONFIG');
    expect(await configCode(parse({ ...tiny, checkpoints: [100, 500] }))).toBe('E_CONFIG');
    expect(await configCode(parse({ ...tiny, hopfield: 601 }))).toBe('E_CONFIG');
    expect(await configCode(parse({ ...tiny, inputs: 40_000, hopfield: true }))).toBe('E_CONFIG');
    expect(() => parse({ ...tiny, removed: 1 })).toThrow();
    expect(() => parse({ ...tiny, colour: 'red' })).toThrow();
  });

  test('defaults are the paper’s scale with 4,000 outputs', () => {
    expect(parse({})).toMatchObject({
      inputs: 25_000,
      outputs: 4_000,
      density: 0.005,
      plateauProbability: 0.005,
      connectivity: 0.6,
      threshold: 33,
      variant: 'set-reset',
      hopfield: false,
    });
    expect(parse({}).removed).toBeCloseTo(1 / 3, 12);
  });

  test('an abort between stages rejects with the signal’s reason', async () => {
    const controller = new AbortController();
    const run = btspMemoryExperiment.run(parse(tiny), {
      seed: 1,
      signal: controller.signal,
      onProgress: (message) => {
        if (message.startsWith('recalling')) controller.abort(new Error('stop here'));
      },
    });
    await expect(run).rejects.toThrow('stop here');
  });
});
