import type * as tf from '@tensorflow/tfjs-core';
import type { LeakyIntegratorParams, NeuronParams } from '../models/params.js';
import type { SpikeFunction } from '../surrogate.js';

/** A layer's weights: `kernel [inputs, units]`, `recurrent [units, units]` for recurrent layers. */
export interface LayerWeights {
  readonly kernel: tf.Tensor;
  readonly recurrent?: tf.Tensor;
}

export interface RunOptions {
  /** Also return the voltage `v [T, B, units]` (default false). */
  readonly record?: boolean;
  /**
   * Use the fused scan kernel where the backend has one (feed-forward lifExp layers only;
   * default true). false forces the per-step op loop.
   */
  readonly fused?: boolean;
}

/** A layer's outputs over time; tensors are `[T, B, units]`. */
export interface LayerRun {
  /** Spikes (0/1), absent for a non-spiking readout. */
  readonly spikes?: tf.Tensor3D;
  /** Voltage at each step (before that step's reset); always present for a readout. */
  readonly v?: tf.Tensor3D;
}

/** A fully connected layer of spiking neurons, optionally with all-to-all recurrence. */
export interface DenseSpikingLayer {
  readonly kind: 'denseSpiking';
  readonly name: string;
  readonly inputs: number;
  readonly units: number;
  readonly model: NeuronParams;
  readonly recurrent: boolean;
  /** Shapes of the weights `run` expects. */
  readonly weightShapes: { readonly kernel: [number, number]; readonly recurrent?: [number, number] };
  /**
   * Runs the layer from rest over `x [T, B, inputs]` (spikes or any input drive), differentiable
   * through tfjs autodiff: spikes use `spikeFn`, so gradients follow its surrogate.
   */
  run(
    weights: LayerWeights,
    x: tf.Tensor3D,
    spikeFn: SpikeFunction,
    options?: RunOptions,
  ): LayerRun & {
    readonly spikes: tf.Tensor3D;
  };
}

/** A fully connected non-spiking leaky-integrator readout. */
export interface LeakyIntegratorLayer {
  readonly kind: 'leakyIntegrator';
  readonly name: string;
  readonly inputs: number;
  readonly units: number;
  readonly model: LeakyIntegratorParams;
  readonly recurrent: false;
  readonly weightShapes: { readonly kernel: [number, number] };
  /** Runs the readout from rest over `x [T, B, inputs]`; returns `v [T, B, units]`. */
  run(
    weights: LayerWeights,
    x: tf.Tensor3D,
    options?: Pick<RunOptions, 'fused'>,
  ): LayerRun & { readonly v: tf.Tensor3D };
}

export type Layer = DenseSpikingLayer | LeakyIntegratorLayer;
