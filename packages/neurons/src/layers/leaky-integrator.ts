import { tidy } from '../tidy.js';
import * as tf from '@tensorflow/tfjs-core';
import { PlasticityError } from '@plasticity/core-tensors';
import { leakyIntegratorStep } from '../models/lif-exp.js';
import type { LeakyIntegratorParams } from '../models/params.js';
import { leakyIntegratorParams, lifExpParams } from '../models/params.js';
import { initialState } from '../models/state.js';
import { hasFusedScan, lifExpScan } from '../scan/lif-exp-scan.js';
import { expectShape, positiveInteger } from './checks.js';
import { timeDistributedMatMul } from './matmul.js';
import type { LayerWeights, LeakyIntegratorLayer, RunOptions } from './types.js';

/** The largest float32: a threshold no voltage reaches (GPUs may assume no infinities). */
const NEVER = 3.4e38;

export interface LeakyIntegratorOptions {
  readonly inputs: number;
  readonly units: number;
  /** Readout parameters (default `leakyIntegratorParams()`: τm 20 ms, τs 5 ms, dt 1 ms). */
  readonly model?: LeakyIntegratorParams;
  /** For traces and errors (default 'readout'). */
  readonly name?: string;
}

/**
 * A dense non-spiking readout: leaky integrators with an exponential current synapse (the
 * lifExp model without threshold), integrated exactly per step. Its voltages feed
 * `maxVoltage`, `expWeightedMeanVoltage`, ... Runs as the fused lifExp scan with an unreachable
 * threshold where the backend has it.
 */
export function leakyIntegrator(options: LeakyIntegratorOptions): LeakyIntegratorLayer {
  const name = options.name ?? 'readout';
  const inputs = positiveInteger(options.inputs, 'inputs', name);
  const units = positiveInteger(options.units, 'units', name);
  const model = options.model ?? leakyIntegratorParams();
  if (model.kind !== 'leakyIntegrator') {
    throw new PlasticityError('E_CONFIG', `${name}: model must come from leakyIntegratorParams(...)`, {
      field: 'model',
    });
  }
  const weightShapes = { kernel: [inputs, units] as [number, number] };

  // The same dynamics as a lifExp layer whose threshold is never reached, for the fused scan.
  const asLifExp = lifExpParams({
    tauMem: model.tauMem,
    tauSyn: model.tauSyn,
    dt: model.dt,
    threshold: NEVER,
  });

  function run(weights: LayerWeights, x: tf.Tensor3D, options: Pick<RunOptions, 'fused'> = {}) {
    expectShape(x, [-1, -1, inputs], `${name} input`);
    expectShape(weights.kernel, weightShapes.kernel, `${name} kernel`);
    return tidy(() => {
      const currents = timeDistributedMatMul(x, weights.kernel as tf.Tensor2D);
      if ((options.fused ?? true) && hasFusedScan()) {
        const { spikes, v } = lifExpScan(currents, asLifExp, { kind: 'none' });
        spikes.dispose();
        return { v: v! };
      }
      let state = initialState(model, currents.shape[1], units);
      const voltages: tf.Tensor[] = [];
      for (const drive of tf.unstack(currents)) {
        const out = leakyIntegratorStep(model, drive, state);
        state = out.state;
        voltages.push(out.v);
      }
      return { v: tf.stack(voltages) as tf.Tensor3D };
    });
  }
  return Object.freeze({
    kind: 'leakyIntegrator',
    name,
    inputs,
    units,
    model,
    recurrent: false,
    weightShapes,
    run,
  });
}
