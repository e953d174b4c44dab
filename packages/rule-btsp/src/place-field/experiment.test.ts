import { describe, expect, test } from '@jest/globals';
import { isPlasticityError } from '@plasticity/core-tensors';
import type { ExperimentContext, ExperimentResult } from '@plasticity/core-tensors';
import { readFile } from 'node:fs/promises';
import { btspPlaceFieldExperiment as experiment } from './index.js';
import { kernelCsv } from './test-data.test-util.js';

const run = (options: unknown, context: Partial<ExperimentContext> = {}): Promise<ExperimentResult> =>
  experiment.run(experiment.optionsSchema.parse(options), { seed: 0, ...context });

interface Figures {
  rampPeakMv: number;
  peakOffsetBeforePlateauCm: number;
  rampPeakMvPerLap: number[];
  secondInduction: {
    potentiationMv: number;
    depressionMv: number;
    changeAtOldPeakMv: number;
    changeAtNewPlateauMv: number;
    potentiationAtCm: number;
  };
  modelWeightDependence: { lowMeanDeltaMv: number; highMeanDeltaMv: number; highCount: number };
  data?: { rows: number; pearson: number; rmsErrorMv: number; binsCompared: number };
}

describe('btsp-place-field experiment', () => {
  test('is the plugin the CLI expects, with the published protocol as defaults', () => {
    expect(experiment.name).toBe('btsp-place-field');
    expect(experiment.package).toEqual({ name: '@plasticity/rule-btsp' });
    expect(experiment.optionsSchema.parse({})).toEqual({
      plateauPosition: 120,
      laps: 3,
      secondPosition: 45,
      rule: 'per-lap',
      plateauDuration: 0.3,
      runSpeed: 25,
    });
    expect(experiment.optionsSchema.safeParse({ lap: 3 }).success).toBe(false);
    expect(experiment.optionsSchema.safeParse({ plateauPosition: 187 }).success).toBe(false);
    expect(experiment.optionsSchema.safeParse({ rule: 'hebbian' }).success).toBe(false);
  });

  test('the published rule makes an 8 mV field peaking 12.5 cm before the plateau; a second induction moves it', async () => {
    const result = await run({});
    const f = result.figures as unknown as Figures;
    expect(Math.abs(f.rampPeakMv - 8)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(f.peakOffsetBeforePlateauCm - 12.5)).toBeLessThanOrEqual(1.5);
    expect(f.rampPeakMvPerLap).toHaveLength(3);
    // Second induction at 45 cm: potentiation at the new place, depression at the old one.
    expect(f.secondInduction.potentiationMv).toBeGreaterThan(3);
    expect(f.secondInduction.changeAtNewPlateauMv).toBeGreaterThan(0);
    expect(f.secondInduction.changeAtOldPeakMv).toBeLessThan(-1);
    expect(f.secondInduction.depressionMv).toBeLessThanOrEqual(f.secondInduction.changeAtOldPeakMv);
    expect(Math.abs(f.secondInduction.potentiationAtCm - 45)).toBeLessThan(30);
    // The model's own kernel shows the weight dependence.
    expect(f.modelWeightDependence.lowMeanDeltaMv).toBeGreaterThan(1);
    expect(f.modelWeightDependence.highCount).toBeGreaterThan(0);
    expect(f.modelWeightDependence.highMeanDeltaMv).toBeLessThan(0);
    expect(f.data).toBeUndefined();
    expect(result.charts.map((c) => c.title)).toEqual([
      'Ramp vs position after each induction lap',
      'Weight change vs time from plateau (per input)',
      'Plasticity kernel: delta ramp vs time from plateau, by initial ramp',
      'Second induction: the field moves',
    ]);
    for (const chart of result.charts) {
      for (const series of chart.series) expect(series.points.length).toBeGreaterThan(0);
    }
  });

  test('the continuous form runs too and still potentiates near the plateau', async () => {
    const f = (await run({ rule: 'continuous' })).figures as unknown as Figures;
    expect(f.rampPeakMv).toBeGreaterThan(4);
    expect(f.peakOffsetBeforePlateauCm).toBeGreaterThan(0);
    expect(f.secondInduction.changeAtOldPeakMv).toBeLessThan(0);
  });

  const csv = kernelCsv();
  test(`compares the binned kernel with measured data read through the host (${csv.real ? 'the real data' : 'the committed fixture; the real data is absent'})`, async () => {
    const paths: string[] = [];
    const readText = async (path: string) => {
      paths.push(path);
      return readFile(path, 'utf8');
    };
    const result = await run({ data: csv.path }, { readText });
    expect(paths).toEqual([csv.path]);
    const data = (result.figures as unknown as Figures).data!;
    expect(data.binsCompared).toBeGreaterThan(5);
    expect(Number.isFinite(data.rmsErrorMv)).toBe(true);
    expect(data.pearson).toBeGreaterThan(csv.real ? 0.8 : 0.5);
    const kernel = result.charts[2];
    expect(kernel.series.filter((s) => s.dashed)).toHaveLength(4);
  });

  test('refuses a data path without a host reader, and bad data with E_DATA_FORMAT', async () => {
    const refused = await run({ data: 'x.csv' }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(isPlasticityError(refused, 'E_USAGE')).toBe(true);
    const readText = async () => 't,initial_ramp,delta_ramp\n0,1,2\n0,1,oops\n';
    await expect(run({ data: 'bad.csv' }, { readText })).rejects.toThrow(
      "bad.csv, line 3, column 'delta_ramp': 'oops' is not a finite number",
    );
  });

  test('stops between stages when aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await expect(run({}, { signal: controller.signal })).rejects.toThrow('stop');
  });
});
