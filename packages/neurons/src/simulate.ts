import type * as tf from '@tensorflow/tfjs-core';
import type { SpikeEvents } from '@plasticity/core-tensors';
import { PlasticityError } from '@plasticity/core-tensors';
import type { Layer, LayerWeights } from './layers/types.js';
import { heaviside } from './surrogate.js';

/** One layer's spikes per sample, as event lists (times in ms = step·dt). */
export interface LayerEvents {
  readonly name: string;
  readonly size: number;
  readonly samples: readonly SpikeEvents[];
}

/** One layer's voltages per sample: `[steps·units]` row-major (step-major) per sample. */
export interface VoltageTrace {
  readonly name: string;
  /** ms between rows. */
  readonly dt: number;
  readonly steps: number;
  readonly units: number;
  readonly samples: readonly Float32Array[];
}

export interface SimulationResult {
  /** The input (non-zero entries count as spikes) first, then each spiking layer. */
  readonly layers: readonly LayerEvents[];
  /** Every layer's voltage (when `recordVoltage`); readouts always have one. */
  readonly traces: readonly VoltageTrace[];
}

export interface SimulateOptions {
  /** Record every spiking layer's voltage too (default false; readouts are always recorded). */
  readonly recordVoltage?: boolean;
}

/** Per-sample event lists from `spikes [T, B, N]` values (sorted by time, then unit). */
export function spikeEvents(values: ArrayLike<number>, shape: readonly number[], dt: number): SpikeEvents[] {
  const [steps, batch, units] = shape;
  const samples: SpikeEvents[] = [];
  for (let b = 0; b < batch; b++) {
    const times: number[] = [];
    const ids: number[] = [];
    for (let t = 0; t < steps; t++) {
      const row = (t * batch + b) * units;
      for (let n = 0; n < units; n++) {
        if (values[row + n] !== 0) {
          times.push(t * dt);
          ids.push(n);
        }
      }
    }
    samples.push({ times: Float32Array.from(times), units: Int32Array.from(ids) });
  }
  return samples;
}

function perSample(values: Float32Array, shape: readonly number[]): Float32Array[] {
  const [steps, batch, units] = shape;
  return Array.from({ length: batch }, (_, b) => {
    const out = new Float32Array(steps * units);
    for (let t = 0; t < steps; t++)
      out.set(values.subarray((t * batch + b) * units, (t * batch + b + 1) * units), t * units);
    return out;
  });
}

/**
 * Runs `layers` in sequence over `x [T, B, inputs]` without gradients (exact Heaviside spikes)
 * and returns plain arrays for plots: event lists per spiking layer and voltage traces.
 * `weights[k]` belongs to `layers[k]`. Every layer must use the same dt.
 */
export async function simulate(
  layers: readonly Layer[],
  weights: readonly LayerWeights[],
  x: tf.Tensor3D,
  options: SimulateOptions = {},
): Promise<SimulationResult> {
  if (layers.length === 0 || layers.length !== weights.length) {
    throw new PlasticityError(
      'E_SHAPE',
      `simulate: ${layers.length} layers and ${weights.length} weight sets`,
      {
        layers: layers.length,
        weights: weights.length,
      },
    );
  }
  const dt = layers[0].model.dt;
  const otherDt = layers.find((l) => l.model.dt !== dt);
  if (otherDt) {
    throw new PlasticityError(
      'E_CONFIG',
      `simulate: layer ${otherDt.name} has dt ${otherDt.model.dt} ms, not ${dt}`,
      {
        field: 'dt',
      },
    );
  }
  const events: LayerEvents[] = [
    { name: 'input', size: x.shape[2], samples: spikeEvents(await x.data(), x.shape, dt) },
  ];
  const traces: VoltageTrace[] = [];
  let input: tf.Tensor3D = x;
  for (const [k, layer] of layers.entries()) {
    const out =
      layer.kind === 'denseSpiking'
        ? layer.run(weights[k], input, heaviside, { record: options.recordVoltage ?? false })
        : layer.run(weights[k], input);
    if (out.v) {
      const v = (await out.v.data()) as Float32Array;
      traces.push({
        name: layer.name,
        dt,
        steps: out.v.shape[0],
        units: layer.units,
        samples: perSample(v, out.v.shape),
      });
      out.v.dispose();
    }
    if (input !== x) input.dispose();
    if (!out.spikes) break;
    events.push({
      name: layer.name,
      size: layer.units,
      samples: spikeEvents(await out.spikes.data(), out.spikes.shape, dt),
    });
    input = out.spikes;
  }
  if (input !== x) input.dispose();
  return { layers: events, traces };
}
