import * as tf from '@tensorflow/tfjs-core';
import { createRng, packEventBatch, parseConfig } from '@plasticity/core-tensors';
import type { Batch, ParamMap, Rng, SpikeEvents, TaskSpec } from '@plasticity/core-tensors';
import { downloadWeights } from '@plasticity/neurons';
import type { EventPropNetwork, HostSamples } from '@plasticity/neurons';
import { createEventPropLearner, eventpropRule, hostSamples, networkSpec } from '@plasticity/rule-eventprop';
import type { EventpropConfigInput } from '@plasticity/rule-eventprop';
import { measureTrainSteps } from './measure.js';

/**
 * How the benchmark's random input spikes are made. `poisson`: every channel fires as a Poisson
 * process of `rate` Hz over the window (event input, like SHD); `latency`: one spike per channel
 * at `t0 + value·span` ms for a uniform value (dense features through the latency encoder,
 * like Yin-Yang).
 */
export type EventPropBenchInput =
  | { readonly kind: 'poisson'; readonly rate?: number }
  | { readonly kind: 'latency'; readonly t0?: number; readonly span?: number };

/** An EventProp training benchmark on seeded random input spikes; times in ms. */
export interface EventPropBenchOptions {
  readonly inputs: number;
  readonly hidden: readonly (number | { readonly size: number; readonly recurrent?: boolean })[];
  readonly outputs: number;
  /** Loss (default: the config's default, max-voltage). */
  readonly loss?: EventpropConfigInput['loss'];
  /** Simulated window, ms (a time-stepped simulation of it takes `duration / dt` steps). */
  readonly duration: number;
  readonly batchSize: number;
  /** Default `{kind: 'poisson', rate: 20}` (20 Hz: `benchmarkBptt`'s default input probability 0.02 at dt 1 ms). */
  readonly input?: EventPropBenchInput;
  /** Measure for at least this long (default 2 s) and at least `minSteps` steps (default 2). */
  readonly seconds?: number;
  readonly minSteps?: number;
  readonly seed?: number;
  /** Further eventprop config (init, model constants, ...). */
  readonly config?: EventpropConfigInput;
}

export interface EventPropBenchResult {
  readonly duration: number;
  readonly batchSize: number;
  /** Training steps measured. */
  readonly trainSteps: number;
  readonly samplesPerSecond: number;
  readonly msPerTrainStep: number;
  /** Mean input spikes per sample. */
  readonly inputSpikes: number;
  /** Mean spikes per sample of all hidden layers (and a spiking output layer) together. */
  readonly networkSpikes: number;
  /**
   * Largest number of bytes the forward pass of one sample keeps for its backward pass (per
   * spike: time, unit, current). The engine runs forward and backward one sample at a time,
   * so this is the simulation's whole working memory; it grows with spikes, not with `duration`.
   */
  readonly storedBytesPerSample: number;
  /** The same summed over the batch: what a batched implementation would keep at once. */
  readonly storedBytesPerBatch: number;
  /** Most bytes live at once on the tfjs backend during one training step (tf.profile's peakBytes: params included). */
  readonly peakBytes: number;
  /** `peakBytes` less what was live before the step (params, optimiser slots, the input). */
  readonly peakStepBytes: number;
}

/** One sample's Poisson spike trains, sorted by time then unit. */
function poissonSample(rng: Rng, channels: number, rateHz: number, duration: number): SpikeEvents {
  const events: [number, number][] = [];
  const perMs = rateHz / 1000;
  if (perMs > 0) {
    for (let unit = 0; unit < channels; unit++) {
      for (
        let t = -Math.log(1 - rng.uniform()) / perMs;
        t < duration;
        t += -Math.log(1 - rng.uniform()) / perMs
      ) {
        events.push([Math.fround(t), unit]);
      }
    }
  }
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  // float32 rounding can reach the window's end.
  const kept = events.filter(([t]) => t < duration);
  return { times: Float32Array.from(kept, (e) => e[0]), units: Int32Array.from(kept, (e) => e[1]) };
}

function benchBatches(
  options: EventPropBenchOptions,
  task: TaskSpec,
  rng: Rng,
): { batches: Batch[]; inputSpikes: number } {
  const { inputs, outputs, batchSize, duration } = options;
  const input = options.input ?? { kind: 'poisson' };
  let spikes = 0;
  const batches = Array.from({ length: 4 }, () => {
    const y = tf.tensor1d(
      Int32Array.from({ length: batchSize }, () => rng.int(outputs)),
      'int32',
    );
    if (input.kind === 'latency') {
      spikes += batchSize * inputs;
      return {
        x: tf.tensor2d(rng.uniformArray(batchSize * inputs), [batchSize, inputs]),
        y,
        size: batchSize,
      };
    }
    const samples = Array.from({ length: batchSize }, () =>
      poissonSample(rng, inputs, input.rate ?? 20, duration),
    );
    spikes += samples.reduce((sum, s) => sum + s.times.length, 0);
    const x = packEventBatch(samples, task.input.kind === 'events' ? task.input.channels : inputs, duration);
    return { x, y, size: batchSize };
  });
  return { batches, inputSpikes: spikes / (batches.length * batchSize) };
}

/**
 * Trains an EventProp learner on random input spikes and reports samples/s, the bytes its
 * forward pass stores for the backward pass (O(spikes)) and the tfjs peak memory of one
 * training step — the same measurements as `benchmarkBptt` (./bptt.ts), for comparing
 * the two on one network over simulation lengths. The simulation runs on the CPU in JS; the
 * weights and the optimiser live on the current tfjs backend.
 */
export async function benchmarkEventProp(options: EventPropBenchOptions): Promise<EventPropBenchResult> {
  const { inputs, outputs, duration, batchSize, seconds = 2, minSteps = 2, seed = 0 } = options;
  const latency = options.input?.kind === 'latency' ? options.input : undefined;
  const task: TaskSpec = {
    input: latency ? { kind: 'dense', shape: [inputs] } : { kind: 'events', channels: inputs, duration },
    outputs,
    kind: 'classification',
  };
  const config = parseConfig(eventpropRule, {
    ...(latency ? { encoder: { t0: latency.t0 ?? 0, span: latency.span ?? duration / 2 } } : {}),
    ...options.config,
    hidden: options.hidden.map((h) =>
      typeof h === 'number' ? h : { size: h.size, recurrent: h.recurrent ?? false },
    ),
    ...(options.loss ? { loss: options.loss } : {}),
    duration,
  });
  const learner = createEventPropLearner(config, task, seed);
  const { coding } = networkSpec(config, task);
  const { batches, inputSpikes } = benchBatches(options, task, createRng(seed).fork('bench'));
  try {
    const cost = await measureTrainSteps(learner, batches, batchSize, { seconds, minSteps });
    const stored = await forwardMemory(
      learner.network,
      learner.params,
      await hostSamples(batches[0].x, coding),
    );
    return {
      duration,
      batchSize,
      ...cost,
      inputSpikes,
      ...stored,
    };
  } finally {
    tf.dispose(batches.flatMap((b) => (b.x instanceof tf.Tensor ? [b.x, b.y] : [b.y])));
    learner.dispose();
  }
}

/** Runs one batch forward with the current weights and reads the spike buffers' sizes. */
async function forwardMemory(
  network: EventPropNetwork,
  params: ParamMap,
  samples: HostSamples,
): Promise<Pick<EventPropBenchResult, 'networkSpikes' | 'storedBytesPerSample' | 'storedBytesPerBatch'>> {
  await downloadWeights(network, params);
  const layers = network.spec.hidden.length + (network.spec.output === 'spiking' ? 1 : 0);
  let perSample = 0;
  let perBatch = 0;
  let spikes = 0;
  for (let b = 0; b < samples.size; b++) {
    network.forward(samples.sample(b));
    const bytes = network.storedBytes();
    perSample = Math.max(perSample, bytes);
    perBatch += bytes;
    for (let k = 0; k < layers; k++) spikes += network.layerSpikes(k).count;
  }
  return {
    networkSpikes: spikes / samples.size,
    storedBytesPerSample: perSample,
    storedBytesPerBatch: perBatch,
  };
}
