import { z } from 'zod';
import type { ExperimentChart, ExperimentPlugin, ExperimentResult } from '@plasticity/core-tensors';
import {
  Dual,
  QIF_MIN_SPIKE_WEIGHT,
  crossingTime,
  lifConstants,
  lifExpParams,
  qifNeuron,
  qifPseudospikes,
  simulateQif,
  stationaryTime,
  voltageAfter,
} from '@plasticity/neurons';

export const conceptOptionsSchema = z.strictObject({
  points: z.number().int().min(10).max(100_000).default(2000).describe('Weights on the grid (0, 2·w_min].'),
  duration: z.number().positive().default(4).describe('Trial duration T (τ = 1).'),
  inputTime: z.number().min(0).default(0.5).describe('Time of the one input spike.'),
});
export type ConceptOptions = z.output<typeof conceptOptionsSchema>;

/** LIF with τm = 1, τs = 1/2, threshold 1 (the comparison the paper draws). */
const LIF = lifConstants(lifExpParams({ tauMem: 1, tauSyn: 0.5, threshold: 1 }));

/** First threshold crossing after a current jump `w` at rest, or NaN (absolute time). */
function lifSpikeTime(w: number, inputTime: number, duration: number): number {
  const peak = stationaryTime(LIF, 0, w);
  if (!(peak > 0) || voltageAfter(LIF, 0, w, peak) < LIF.threshold) return NaN;
  const t = inputTime + crossingTime(LIF, 0, w, peak);
  return t < duration ? t : NaN;
}

/** The smallest weight that makes the LIF neuron spike from rest (its peak response reaches 1). */
function lifMinWeight(): number {
  const peak = stationaryTime(LIF, 0, 1);
  return LIF.threshold / voltageAfter(LIF, 0, 1, peak);
}

/** Largest jump of `values` between neighbouring grid points where both exist. */
function largestStep(values: readonly number[]): number {
  let largest = 0;
  for (let k = 1; k < values.length; k++) {
    if (Number.isFinite(values[k]) && Number.isFinite(values[k - 1]))
      largest = Math.max(largest, Math.abs(values[k] - values[k - 1]));
  }
  return largest;
}

export function runConcept(options: ConceptOptions): ExperimentResult {
  const { points, duration, inputTime } = options;
  const neuron = qifNeuron({ tau: 1 });
  const lifMin = lifMinWeight();
  const relative = Array.from({ length: points }, (_, k) => (2 * (k + 1)) / points);
  const qif = relative.map((r) => {
    const weight = Dual.parameter(r * QIF_MIN_SPIKE_WEIGHT, 0, 1);
    const rest = Dual.constant(0, 1);
    const trial = simulateQif(neuron, [{ time: Dual.constant(inputTime, 1), weight }], duration, {
      v: rest,
      i: rest,
    });
    const first = trial.spikes[0] ?? qifPseudospikes(neuron, trial.final, 0, duration, [1])[0];
    return { time: first.value, slope: first.grad[0], ordinary: trial.spikes.length > 0 };
  });
  const lif = relative.map((r) => lifSpikeTime(r * lifMin, inputTime, duration));
  const ordinary = qif.map((q) => (q.ordinary ? q.time : NaN));
  const pseudo = qif.map((q) => (q.ordinary ? NaN : q.time));
  const series = (name: string, ys: readonly number[], dashed = false) => ({
    name,
    points: relative.map((x, k) => [x, ys[k]] as const),
    dashed,
  });
  const charts: ExperimentChart[] = [
    {
      title: 'Output spike time against input weight',
      xLabel: 'input weight / minimum weight for a spike',
      yLabel: 'first output spike time (τ)',
      series: [
        series('QIF spike', ordinary),
        series('QIF pseudospike (after T)', pseudo, true),
        series('LIF spike', lif),
      ],
      caption: `One input spike at t = ${inputTime} into a neuron at rest, trial length T = ${duration}. The QIF spike time grows continuously to T as the weight falls to π²/4 and continues as a pseudospike; the LIF spike time jumps from a finite value to none at its threshold weight.`,
    },
    {
      title: 'Exact derivative of the QIF spike time',
      xLabel: 'input weight / minimum weight for a spike',
      yLabel: 'd(spike time)/d(weight)',
      series: [
        series(
          'QIF (spike or pseudospike)',
          qif.map((q) => q.slope),
        ),
      ],
      caption:
        'Forward-mode derivative through the closed-form flows: finite for every weight; steepest where the spike leaves the trial and the pseudospike takes over, which join without a jump.',
    },
  ];
  const lifFirst = lif.findIndex(Number.isFinite);
  const qifFirst = ordinary.findIndex(Number.isFinite);
  return {
    figures: {
      qifMinWeight: QIF_MIN_SPIKE_WEIGHT,
      lifMinWeight: lifMin,
      qifLatestSpike: ordinary[qifFirst],
      lifLatestSpike: lif[lifFirst],
      // At the last weight that spikes, how far the spike is from the trial end: ~0 for a
      // continuous spike time, a jump for LIF.
      qifGapToTrialEnd: duration - ordinary[qifFirst],
      lifGapToTrialEnd: duration - lif[lifFirst],
      qifLargestStep: largestStep(qif.map((q) => q.time)),
    },
    charts,
  };
}

export const smoothExactConceptExperiment: ExperimentPlugin<ConceptOptions> = {
  name: 'smooth-exact-concept',
  summary:
    'Klos & Memmesheimer’s concept sweep: a QIF spike time is continuous in the input weight and reaches the trial end as the weight falls to π²/4, where a LIF spike time jumps.',
  optionsSchema: conceptOptionsSchema,
  package: { name: '@plasticity/rule-smooth-exact' },
  run: async (options) => runConcept(options),
};
