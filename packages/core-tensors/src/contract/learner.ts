import type { Tensor, Variable } from '@tensorflow/tfjs-core';
import type { Batch, BatchInput, SpikeEvents } from './task.js';

/** Name → variable: what checkpoints save and parameter averaging (EASGD) reads and writes. */
export type ParamMap = Readonly<Record<string, Variable>>;

/** Host-side numbers a step reports; `loss` is always present. */
export interface StepMetrics {
  readonly loss: number;
  readonly [name: string]: number;
}

/** A rule instance bound to one network and one task. */
export interface Learner {
  readonly params: ParamMap;
  /** One local update from one batch. Leaves no new tensors behind. */
  trainStep(batch: Batch): Promise<StepMetrics>;
  /**
   * Class scores `[B, outputs]` (or outputs) for a batch of inputs. The caller disposes the
   * result; no other tensor outlives the call. A learner given an input form its task does not use throws `E_SHAPE`. Rules that
   * compute on the host (EventProp's event simulation) return a promise: reading weights from
   * WebGPU must not block, so callers always `await` the result.
   */
  predict(x: BatchInput): Tensor | Promise<Tensor>;
  /** Spiking learners: rasters and output voltage traces of a few samples, for plots and reports. */
  inspect?(x: BatchInput, options?: InspectOptions): Promise<Inspection>;
  /** Current learning rate; the trainer sets it when a schedule is used. */
  learningRate: number;
  /** Optimiser state beyond `params` (moments, step counters), for exact resume. */
  saveState?(): Promise<Record<string, Tensor>>;
  loadState?(state: Record<string, Tensor>): Promise<void>;
  dispose(): void;
}

export interface InspectOptions {
  /** How many samples from the front of the batch (default 4). */
  readonly samples?: number;
  /** Sampling step of voltage traces in ms (default 0.5). */
  readonly traceDt?: number;
}

/** One layer's spikes for each inspected sample. */
export interface LayerRaster {
  readonly name: string;
  /** Neurons (or input channels) in the layer. */
  readonly size: number;
  readonly samples: readonly SpikeEvents[];
}

/** Voltage traces of one layer, sampled every `dt` ms. */
export interface VoltageTraces {
  readonly name: string;
  readonly dt: number;
  readonly steps: number;
  readonly units: number;
  /** Per sample, `[steps × units]` row-major. */
  readonly samples: readonly Float32Array[];
  /** Regression: per sample, the targets the traces should follow, in the same layout. */
  readonly targets?: readonly Float32Array[];
}

/** What a spiking learner shows of a few samples: spikes per layer (input first) and output voltages. */
export interface Inspection {
  /** Simulated window in ms. */
  readonly duration: number;
  readonly layers: readonly LayerRaster[];
  readonly traces?: VoltageTraces;
}
