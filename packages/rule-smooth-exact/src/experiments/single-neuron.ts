import { z } from 'zod';
import { PlasticityError, createRng } from '@plasticity/core-tensors';
import type { ExperimentContext, ExperimentPlugin, ExperimentResult } from '@plasticity/core-tensors';
import { Dual, qifNeuron, qifPseudospikes, simulateQif } from '@plasticity/neurons';
import type { QifInput } from '@plasticity/neurons';

export const singleNeuronOptionsSchema = z.strictObject({
  trials: z.number().int().min(1).max(1_000_000).default(3000).describe('Gradient steps.'),
  learningRate: z.number().positive().default(0.1).describe('SGD learning rate.'),
  clip: z.number().positive().default(0.02).describe('Each gradient component is clipped to ±clip.'),
  targets: z.array(z.number().positive()).min(1).default([2.5, 7.5]).describe('Target output spike times.'),
  fixedInputs: z
    .number()
    .int()
    .min(0)
    .default(20)
    .describe('Untrained inputs: times U(0, T), weights N(0, 1).'),
  duration: z.number().positive().default(10).describe('Trial duration T (τ = 1).'),
  tolerance: z
    .number()
    .positive()
    .default(0.05)
    .describe('Success: every output spike within this of its target.'),
});
export type SingleNeuronOptions = z.output<typeof singleNeuronOptionsSchema>;

/** Parameters: [w1, w2, t1, t2] of the two trained inputs. */
const START = [0, 0, 1, 9];

export function runSingleNeuron(options: SingleNeuronOptions, context: ExperimentContext): ExperimentResult {
  const { trials, learningRate, clip, targets, fixedInputs, duration, tolerance } = options;
  if (targets.some((t) => t >= duration)) {
    throw new PlasticityError('E_CONFIG', `targets must lie inside the trial (< duration ${duration})`, {
      field: 'targets',
    });
  }
  const neuron = qifNeuron({ tau: 1 });
  const rng = createRng(context.seed).fork('inputs');
  const fixed = Array.from({ length: fixedInputs }, () => ({
    time: rng.uniform() * duration,
    weight: rng.normal(),
  }));
  const count = START.length;

  /** Output times (spikes, then pseudospikes) for the targets, with their derivatives. */
  const outputTimes = (p: readonly number[]) => {
    const params = p.map((x, k) => Dual.parameter(x, k, count));
    const inputs: QifInput[] = [
      { weight: params[0], time: params[2] },
      { weight: params[1], time: params[3] },
      ...fixed.map((x) => ({ time: Dual.constant(x.time, count), weight: Dual.constant(x.weight, count) })),
    ];
    const rest = Dual.constant(0, count);
    const trial = simulateQif(neuron, inputs, duration, { v: rest, i: rest });
    const ordinary = trial.spikes.slice(0, targets.length);
    const missing = targets.length - ordinary.length;
    const ks = Array.from({ length: missing }, (_, k) => k + 1);
    return {
      times: [...ordinary, ...qifPseudospikes(neuron, trial.final, 0, duration, ks)],
      spikes: trial.spikes.length,
    };
  };

  let p = [...START];
  const history: { loss: number; times: number[]; params: number[]; spikes: number }[] = [];
  let reachedAt: number | undefined;
  for (let trial = 0; trial < trials; trial++) {
    const { times, spikes } = outputTimes(p);
    const grad = new Float64Array(count);
    let loss = 0;
    times.forEach((t, j) => {
      const error = t.value - targets[j];
      loss += (error * error) / targets.length;
      for (let k = 0; k < count; k++) grad[k] += (2 * error * t.grad[k]) / targets.length;
    });
    history.push({ loss, times: times.map((t) => t.value), params: [...p], spikes });
    const within = times.every(
      (t, j) => spikes >= targets.length && Math.abs(t.value - targets[j]) <= tolerance,
    );
    if (within && reachedAt === undefined) reachedAt = trial;
    p = p.map((x, k) => x - learningRate * Math.max(-clip, Math.min(clip, grad[k])));
    // Input times stay inside the trial.
    p[2] = Math.min(duration, Math.max(0, p[2]));
    p[3] = Math.min(duration, Math.max(0, p[3]));
    if (trial % 100 === 0)
      context.onProgress?.(`trial ${trial}, loss ${loss.toPrecision(3)}`, trial / trials);
  }
  const first = history[0];
  const last = history[history.length - 1];
  const steps = history.map((_, k) => k);
  const line = (name: string, ys: readonly number[], dashed = false) => ({
    name,
    points: steps.map((x, k) => [x, ys[k]] as const),
    dashed,
  });
  return {
    figures: {
      initialSpikes: first.spikes,
      finalSpikes: last.spikes,
      finalTimes: last.times,
      targets,
      largestError: Math.max(...last.times.map((t, j) => Math.abs(t - targets[j]))),
      withinToleranceAtTrial: reachedAt ?? null,
      finalParams: { weights: last.params.slice(0, 2), times: last.params.slice(2) },
    },
    charts: [
      {
        title: 'Output spike times during learning',
        xLabel: 'trial',
        yLabel: 'time (τ)',
        series: [
          ...targets.map((_, j) =>
            line(
              `output ${j + 1}`,
              history.map((h) => h.times[j]),
            ),
          ),
          ...targets.map((t, j) =>
            line(
              `target ${j + 1}`,
              steps.map(() => t),
              true,
            ),
          ),
        ],
        caption:
          'The neuron starts silent: its first outputs are pseudospikes (after T), which move into the trial and become ordinary spikes that settle on the targets.',
      },
      {
        title: 'Loss',
        xLabel: 'trial',
        yLabel: 'mean squared timing error',
        series: [
          line(
            'loss',
            history.map((h) => h.loss),
          ),
        ],
      },
      {
        title: 'Trained input parameters',
        xLabel: 'trial',
        yLabel: 'value',
        series: [
          line(
            'weight 1',
            history.map((h) => h.params[0]),
          ),
          line(
            'weight 2',
            history.map((h) => h.params[1]),
          ),
          line(
            'time 1',
            history.map((h) => h.params[2]),
          ),
          line(
            'time 2',
            history.map((h) => h.params[3]),
          ),
        ],
      },
    ],
  };
}

export const smoothExactSingleNeuronExperiment: ExperimentPlugin<SingleNeuronOptions> = {
  name: 'smooth-exact-single-neuron',
  summary:
    'Klos & Memmesheimer’s single-neuron task: a silent QIF neuron learns, through the weights and times of two inputs, to spike at 2.5 and 7.5 (exact gradients, pseudospikes).',
  optionsSchema: singleNeuronOptionsSchema,
  package: { name: '@plasticity/rule-smooth-exact' },
  run: async (options, context) => runSingleNeuron(options, context),
};
