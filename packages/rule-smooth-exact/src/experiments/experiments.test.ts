import { expect, test } from '@jest/globals';
import { getExperiment } from '@plasticity/core-tensors';
import { QIF_MIN_SPIKE_WEIGHT } from '@plasticity/neurons';
import { conceptOptionsSchema, runConcept } from './concept.js';
import { runSingleNeuron, singleNeuronOptionsSchema } from './single-neuron.js';
import '../index.js';

test('both experiments are registered by importing the package', () => {
  expect(getExperiment('smooth-exact-concept').name).toBe('smooth-exact-concept');
  expect(getExperiment('smooth-exact-single-neuron').name).toBe('smooth-exact-single-neuron');
});

test('concept: the QIF spike time reaches the trial end continuously, the LIF one jumps', () => {
  const { figures, charts } = runConcept(conceptOptionsSchema.parse({ points: 4000 }));
  expect(figures.qifMinWeight).toBeCloseTo(QIF_MIN_SPIKE_WEIGHT, 15);
  // LIF (τm = 1, τs = 1/2, threshold 1) peaks at t = ln 2 after a jump w: w/4, so w_min = 4.
  expect(figures.lifMinWeight).toBeCloseTo(4, 12);
  // Its last spike sits at the peak, 0.5 + ln 2, far from T = 4: a jump to no spike.
  expect(figures.lifLatestSpike).toBeCloseTo(0.5 + Math.LN2, 4);
  expect(figures.qifGapToTrialEnd as number).toBeLessThan(0.05);
  // Spikes and pseudospikes together form one continuous curve on the grid.
  expect(figures.qifLargestStep as number).toBeLessThan(0.05);
  expect(charts[0].series.map((s) => s.name)).toEqual([
    'QIF spike',
    'QIF pseudospike (after T)',
    'LIF spike',
  ]);
});

test('single neuron: a silent neuron learns to spike at 2.5 and 7.5 (seed 1)', () => {
  const { figures } = runSingleNeuron(singleNeuronOptionsSchema.parse({}), { seed: 1 });
  expect(figures.initialSpikes).toBe(0);
  expect(figures.finalSpikes).toBe(2);
  expect(figures.largestError as number).toBeLessThan(0.05);
  expect(figures.withinToleranceAtTrial as number).toBeGreaterThan(0);
});

test('single neuron: a target outside the trial is refused', () => {
  expect(() => runSingleNeuron(singleNeuronOptionsSchema.parse({ targets: [2, 12] }), { seed: 0 })).toThrow(
    /targets must lie inside the trial/,
  );
});
