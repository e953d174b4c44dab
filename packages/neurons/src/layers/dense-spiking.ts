import { tidy } from '../tidy.js';
import * as tf from '@tensorflow/tfjs-core';
import { PlasticityError } from '@plasticity/core-tensors';
import type { NeuronParams } from '../models/params.js';
import { initialState } from '../models/state.js';
import { neuronStep } from '../models/step.js';
import { hasFusedScan, lifExpScan } from '../scan/lif-exp-scan.js';
import type { SpikeFunction } from '../surrogate.js';
import { expectShape, positiveInteger } from './checks.js';
import { matMulPlain, timeDistributedMatMul } from './matmul.js';
import type { DenseSpikingLayer, LayerWeights, RunOptions } from './types.js';

export interface DenseSpikingOptions {
  readonly inputs: number;
  readonly units: number;
  /** Neuron model parameters, from `lifExpParams`, `lifParams`, ... */
  readonly model: NeuronParams;
  /** Adds `recurrent [units, units]`: last step's spikes feed this step's input (default false). */
  readonly recurrent?: boolean;
  /** For event lists and errors (default 'denseSpiking'). */
  readonly name?: string;
}

/**
 * A dense spiking layer. Feed-forward: every step's input drive comes from ONE matmul
 * `[T·B, inputs] × [inputs, units]`, then the time loop is elementwise (fused into one kernel
 * for lifExp on cpu/wasm). Recurrent: the loop adds `spikes(t−1)·recurrent` at each step.
 */
export function denseSpiking(options: DenseSpikingOptions): DenseSpikingLayer {
  const name = options.name ?? 'denseSpiking';
  const inputs = positiveInteger(options.inputs, 'inputs', name);
  const units = positiveInteger(options.units, 'units', name);
  const model = options.model;
  if (!model || !['lifExp', 'lif', 'integrateAndFire', 'alif'].includes(model.kind)) {
    throw new PlasticityError(
      'E_CONFIG',
      `${name}: model must be spiking neuron parameters (lifExpParams(...), ...)`,
      {
        field: 'model',
      },
    );
  }
  const recurrent = options.recurrent ?? false;
  const weightShapes = recurrent
    ? { kernel: [inputs, units] as [number, number], recurrent: [units, units] as [number, number] }
    : { kernel: [inputs, units] as [number, number] };

  function run(weights: LayerWeights, x: tf.Tensor3D, spikeFn: SpikeFunction, runOptions: RunOptions = {}) {
    expectShape(x, [-1, -1, inputs], `${name} input`);
    expectShape(weights.kernel, weightShapes.kernel, `${name} kernel`);
    if (recurrent) expectShape(weights.recurrent, [units, units], `${name} recurrent weights`);
    const record = runOptions.record ?? false;
    return tidy(() => {
      const currents = timeDistributedMatMul(x, weights.kernel as tf.Tensor2D);
      if (!recurrent && model.kind === 'lifExp' && (runOptions.fused ?? true) && hasFusedScan()) {
        const out = lifExpScan(currents, model, spikeFn.surrogate, { voltage: record });
        return record ? out : { spikes: out.spikes };
      }
      return stepLoop(
        model,
        currents,
        recurrent ? (weights.recurrent as tf.Tensor2D) : undefined,
        spikeFn,
        record,
      );
    });
  }
  return Object.freeze({ kind: 'denseSpiking', name, inputs, units, model, recurrent, weightShapes, run });
}

function stepLoop(
  model: NeuronParams,
  currents: tf.Tensor3D,
  recurrentWeights: tf.Tensor2D | undefined,
  spikeFn: SpikeFunction,
  record: boolean,
): { spikes: tf.Tensor3D; v?: tf.Tensor3D } {
  const [, batch, units] = currents.shape;
  let state = initialState(model, batch, units);
  let last: tf.Tensor | undefined;
  const spikes: tf.Tensor[] = [];
  const voltages: tf.Tensor[] = [];
  for (const drive of tf.unstack(currents)) {
    const input =
      recurrentWeights && last ? tf.add(drive, matMulPlain(last as tf.Tensor2D, recurrentWeights)) : drive;
    const out = neuronStep(model, input, state, spikeFn);
    state = out.state;
    last = out.spikes;
    spikes.push(out.spikes);
    voltages.push(out.v);
  }
  const s = tf.stack(spikes) as tf.Tensor3D;
  return record ? { spikes: s, v: tf.stack(voltages) as tf.Tensor3D } : { spikes: s };
}
