import * as tf from '@tensorflow/tfjs-core';
import { normalTensor, paramName } from '@plasticity/core-tensors';
import type { Rng } from '@plasticity/core-tensors';
import { denseSpiking, leakyIntegrator, leakyIntegratorParams } from '@plasticity/neurons';
import type {
  DenseSpikingLayer,
  LeakyIntegratorLayer,
  LifExpParams,
  SpikeFunction,
} from '@plasticity/neurons';
import type { NormalInit } from './config.js';

/**
 * Shape and neuron model of a lifExp network with a leaky-integrator readout (the readout
 * shares the hidden neurons' τm, τs and dt); times in ms.
 */
export interface SpikingNetworkSpec {
  readonly inputs: number;
  readonly hidden: readonly number[];
  readonly outputs: number;
  readonly recurrent: boolean;
  readonly model: LifExpParams;
}

/** What one run of the network gives: spikes of each hidden layer and the readout voltages, all `[T, B, ·]`. */
export interface NetworkRun {
  readonly hidden: readonly tf.Tensor3D[];
  readonly v: tf.Tensor3D;
}

/** The layers of a network; weights live separately (a `ParamMap`). */
export interface SpikingNetwork {
  readonly spec: SpikingNetworkSpec;
  readonly hiddenLayers: readonly DenseSpikingLayer[];
  readonly readout: LeakyIntegratorLayer;
  /** Runs `x [T, B, inputs]` from rest, differentiable through `spikeFn`'s surrogate. */
  run(weights: Readonly<Record<string, tf.Tensor>>, x: tf.Tensor3D, spikeFn: SpikeFunction): NetworkRun;
}

/** Builds the layers: lifExp hidden layers (absolute reset) and a leaky-integrator readout. */
export function spikingNetwork(spec: SpikingNetworkSpec): SpikingNetwork {
  const { model } = spec;
  const sizes = [spec.inputs, ...spec.hidden];
  const hiddenLayers = spec.hidden.map((units, k) =>
    denseSpiking({ inputs: sizes[k], units, model, recurrent: spec.recurrent, name: `hidden ${k + 1}` }),
  );
  const readout = leakyIntegrator({
    inputs: sizes[sizes.length - 1],
    units: spec.outputs,
    model: leakyIntegratorParams({ tauMem: model.tauMem, tauSyn: model.tauSyn, dt: model.dt }),
    name: 'readout',
  });
  const run = (
    weights: Readonly<Record<string, tf.Tensor>>,
    x: tf.Tensor3D,
    spikeFn: SpikeFunction,
  ): NetworkRun =>
    tf.tidy(() => {
      const hidden: tf.Tensor3D[] = [];
      let drive = x;
      hiddenLayers.forEach((layer, k) => {
        drive = layer.run(
          {
            kernel: weights[paramName(k, 'kernel')],
            recurrent: layer.recurrent ? weights[paramName(k, 'recurrent')] : undefined,
          },
          drive,
          spikeFn,
        ).spikes;
        hidden.push(drive);
      });
      const { v } = readout.run({ kernel: weights[paramName(hiddenLayers.length, 'kernel')] }, drive);
      return { hidden, v };
    });
  return { spec, hiddenLayers, readout, run };
}

function normalVariable(shape: [number, number], init: NormalInit, rng: Rng): tf.Variable {
  return tf.tidy(() => tf.variable(normalTensor(rng, shape, init.mean, init.std)));
}

/**
 * Seeded float32 weights for `network`: kernels from `kernelInits` (hidden layers then readout),
 * recurrent kernels from `recurrentInit`.
 */
export function createSnnParams(
  network: SpikingNetwork,
  kernelInits: readonly NormalInit[],
  recurrentInit: NormalInit,
  rng: Rng,
): Record<string, tf.Variable> {
  const params: Record<string, tf.Variable> = {};
  const layers = [...network.hiddenLayers, network.readout];
  layers.forEach((layer, k) => {
    params[paramName(k, 'kernel')] = normalVariable(
      layer.weightShapes.kernel,
      kernelInits[k],
      rng.fork(`layer${k}/kernel`),
    );
    if (layer.kind === 'denseSpiking' && layer.weightShapes.recurrent) {
      params[paramName(k, 'recurrent')] = normalVariable(
        layer.weightShapes.recurrent,
        recurrentInit,
        rng.fork(`layer${k}/recurrent`),
      );
    }
  });
  return params;
}
