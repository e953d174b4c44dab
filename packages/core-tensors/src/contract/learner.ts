import type { Tensor, Variable } from '@tensorflow/tfjs-core';
import type { Batch } from './task.js';

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
  /** Class scores `[B, outputs]` (or outputs) for a batch of inputs. The caller disposes the result. */
  predict(x: Tensor): Tensor;
  /** Current learning rate; the trainer sets it when a schedule is used. */
  learningRate: number;
  /** Optimiser state beyond `params` (moments, step counters), for exact resume. */
  saveState?(): Promise<Record<string, Tensor>>;
  loadState?(state: Record<string, Tensor>): Promise<void>;
  dispose(): void;
}
