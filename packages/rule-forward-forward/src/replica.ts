import * as tf from '@tensorflow/tfjs-core';
import { PlasticityError, createGradientStep, paramName } from '@plasticity/core-tensors';
import type { GradientStep, TaskSpec } from '@plasticity/core-tensors';
import type { ForwardForwardConfig } from './config.js';
import { createFfNetwork, peerName } from './core.js';
import type { FfNetwork, LocalGradients } from './core.js';
import { READOUT_KERNEL } from './network.js';

/**
 * A Forward-Forward network with its optimisers: what the learner trains, and what each worker
 * thread keeps a copy of. Two replicas built alike and fed the same updates stay bit-identical.
 */
export interface FfReplica {
  readonly network: FfNetwork;
  /** Optimiser steps taken so far. */
  readonly iterations: number;
  /** The optimisers' learning rates: one per layer, then the readout's. */
  learningRates: readonly number[];
  /** One optimiser step down `grads`; the running peer means become `peer`. */
  apply(grads: LocalGradients, peer: readonly tf.Tensor[]): void;
  /** The optimisers' state and the peer means, for exact resume. */
  saveState(): Promise<Record<string, tf.Tensor>>;
  loadState(state: Record<string, tf.Tensor>): Promise<void>;
  /** Frees the variables and the optimiser state. */
  dispose(): void;
}

const optimizerPrefix = (i: number, layers: number) =>
  i < layers ? `optimizer.layers.${i}/` : 'optimizer.readout/';

export function createFfReplica(config: ForwardForwardConfig, task: TaskSpec, seed: number): FfReplica {
  const network = createFfNetwork(config, task, seed);
  const { layers, readout, peerMeans } = network;
  // One optimiser per layer (and one for the readout): nothing couples the layers' updates.
  const multipliers = config.layerLearningRates ?? config.hidden.map(() => 1);
  const layerSteps = layers.map((params, l) =>
    createGradientStep(params, {
      ...config,
      learningRate: config.learningRate * multipliers[l],
      decayed: [paramName(l, 'kernel')],
    }),
  );
  const readoutStep = createGradientStep(readout, {
    ...config,
    learningRate: config.readoutLearningRate,
    weightDecay: config.readoutWeightDecay,
    decayed: [READOUT_KERNEL],
  });
  const steps: GradientStep[] = [...layerSteps, readoutStep];

  return {
    network,
    get iterations() {
      return layerSteps[0].iterations;
    },
    get learningRates() {
      return steps.map((s) => s.learningRate);
    },
    set learningRates(rates: readonly number[]) {
      steps.forEach((s, i) => (s.learningRate = rates[i]));
    },
    apply(grads, peer) {
      layerSteps.forEach((layer, l) => layer.apply(grads.layers[l]));
      readoutStep.apply(grads.readout);
      peer.forEach((mean, l) => peerMeans[l].assign(mean as tf.Tensor1D));
    },
    async saveState() {
      const state: Record<string, tf.Tensor> = {};
      for (const [i, optimizer] of steps.entries()) {
        const own = await optimizer.saveState();
        for (const [key, value] of Object.entries(own))
          state[optimizerPrefix(i, layers.length) + key] = value;
      }
      peerMeans.forEach((mean, l) => (state[peerName(l)] = mean.clone()));
      return state;
    },
    async loadState(state) {
      const known = new Set<string>();
      for (const [i, optimizer] of steps.entries()) {
        const prefix = optimizerPrefix(i, layers.length);
        const part: Record<string, tf.Tensor> = {};
        for (const [key, value] of Object.entries(state)) {
          if (key.startsWith(prefix)) {
            part[key.slice(prefix.length)] = value;
            known.add(key);
          }
        }
        await optimizer.loadState(part);
      }
      peerMeans.forEach((mean, l) => {
        const saved = state[peerName(l)];
        if (!saved || !tf.util.arraysEqual(saved.shape, mean.shape)) {
          throw new PlasticityError(
            'E_CHECKPOINT',
            `optimizer state lacks "${peerName(l)}" of shape [${mean.shape}]`,
          );
        }
        known.add(peerName(l));
        tf.tidy(() => mean.assign(tf.cast(saved, 'float32')));
      });
      const unknown = Object.keys(state).filter((key) => !known.has(key));
      if (unknown.length > 0) {
        throw new PlasticityError(
          'E_CHECKPOINT',
          `forward-forward state has unexpected entries: ${unknown.join(', ')}`,
        );
      }
    },
    dispose() {
      steps.forEach((optimizer) => optimizer.dispose()); // disposes the layer and readout variables
      peerMeans.forEach((mean) => mean.dispose());
    },
  };
}
