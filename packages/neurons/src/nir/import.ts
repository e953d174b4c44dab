import * as tf from '@tensorflow/tfjs-core';
import { PlasticityError, paramName } from '@plasticity/core-tensors';
import { expSynapseConstants } from '../models/decay.js';
import { createSpikingNetwork } from '../network/network.js';
import type { SpikingNetwork, SpikingNetworkOptions } from '../network/network.js';
import type { LayerSpec } from '../network/spec.js';
import { isNirArray, isNirGraph, nirNumbers } from './graph.js';
import type { NirArray, NirGraph, NirNode } from './graph.js';
import { chwToHwcRows } from './layout.js';

// A NIR graph as one of our layer chains. NIR's neurons are continuous-time ODEs in seconds;
// ours step by `dt` ms. Each is integrated exactly over a step with the step's input held
// constant (as the NIR paper's exact LIF reference does), and the gain that leaves on the input
// (r·(1 − e^(−dt/τ)) for LIF) is folded into the weights of the connection before the neuron:
//   LIF      τ v̇ = (v_leak − v) + r·I            → lif, input × r·(1 − e^(−dt/τ))
//   CubaLIF  τ_syn İ = −I + w_in·S, τ_mem v̇ = −v + r·I → lif-exp, input × r·w_in·(1 − e^(−dt/τ_syn))
//   CubaLI   the same without threshold          → li
//   IF       v̇ = r·I                             → if, input × r·dt
// Per-neuron thresholds of a flat layer are folded in as well (voltages then count thresholds).

/** How to read a graph's continuous time and its reset. */
export interface NirImportOptions {
  /** Simulation step in ms (NIR is continuous-time: the graph does not say). */
  readonly dt: number;
  /**
   * After a spike: 'zero' sets v to NIR's v_reset (0; the NIR definition, and the default), or
   * 'subtract' subtracts the threshold (what the NIR paper's exact LIF reference does). Applies to
   * LIF and IF nodes; CubaLIF nodes become `lif-exp`, which resets to 0 (a warning says so).
   */
  readonly reset?: 'zero' | 'subtract';
}

/** A NIR graph as a layer chain: what `createSpikingNetwork` takes, and the weights to load. */
export interface ImportedNetwork {
  readonly layers: LayerSpec[];
  /** Per-sample input shape, ours: NIR's `[C, H, W]` images become `[H, W, C]`. */
  readonly inputShape: number[];
  /** Weights by parameter name (`layers.<i>.kernel`, ...), in our layouts. */
  readonly weights: Record<string, tf.Tensor>;
  /** The NIR node each layer came from. */
  readonly sources: string[];
  /** What the chain does differently from the graph (a reset it cannot do), one line each. */
  readonly warnings: string[];
}

const unsupported = (name: string, message: string, details: Record<string, unknown> = {}) =>
  new PlasticityError('E_UNSUPPORTED', `NIR node ${JSON.stringify(name)}: ${message}`, {
    node: name,
    ...details,
  });

/** One parameter as numbers; E_DATA_FORMAT when it is missing or not an array. */
function param(name: string, node: NirNode, key: string): { values: number[]; shape: number[] } {
  const value = node.params[key];
  if (!isNirArray(value)) {
    throw new PlasticityError(
      'E_DATA_FORMAT',
      `NIR node ${JSON.stringify(name)} (${node.type}) has no array ${key}`,
      {
        node: name,
        param: key,
      },
    );
  }
  return { values: nirNumbers(value as NirArray), shape: [...(value as NirArray).shape] };
}

const optionalParam = (name: string, node: NirNode, key: string) =>
  node.params[key] === undefined ? undefined : param(name, node, key).values;

/** The one value every entry of a per-neuron parameter shares; E_UNSUPPORTED when they differ. */
function uniform(name: string, values: number[], key: string): number {
  const first = values[0];
  if (values.some((v) => Math.abs(v - first) > 1e-9 * Math.max(1, Math.abs(first)))) {
    throw unsupported(name, `${key} differs between neurons; plasticity's layers share one value`, {
      param: key,
    });
  }
  return first;
}

/** A neuron node as a layer spec and the gain per neuron its input gets (length 1: shared). */
function neuronLayer(
  name: string,
  node: NirNode,
  options: NirImportOptions,
  warnings: string[],
): { spec: LayerSpec; gain: number[] } {
  const { dt } = options;
  const seconds = dt / 1000;
  const reset = options.reset ?? 'zero';
  for (const key of ['v_leak', 'v_reset']) {
    const values = optionalParam(name, node, key);
    if (values && values.some((v) => v !== 0)) {
      throw unsupported(name, `${key} ≠ 0 (plasticity's neurons rest and reset at 0)`, { param: key });
    }
  }
  const r = param(name, node, 'r').values;
  const thresholdGain = (): { threshold: number; scale: number[] } => {
    const thresholds = param(name, node, 'v_threshold').values;
    const first = thresholds[0];
    if (thresholds.every((v) => v === first)) return { threshold: first, scale: [1] };
    // v/ϑᵢ obeys the same linear dynamics with threshold 1 (for either reset).
    return { threshold: 1, scale: thresholds.map((v) => 1 / v) };
  };
  const perNeuron = (base: number[], scale: number[]) => {
    const n = Math.max(base.length, scale.length);
    return Array.from(
      { length: n },
      (_, i) => base[base.length === 1 ? 0 : i] * scale[scale.length === 1 ? 0 : i],
    );
  };
  switch (node.type) {
    case 'LIF': {
      const tau = uniform(name, param(name, node, 'tau').values, 'tau');
      const { threshold, scale } = thresholdGain();
      const decay = Math.exp(-seconds / tau);
      return {
        spec: { type: 'lif', tauMem: tau * 1000, threshold, reset, dt },
        gain: perNeuron(
          r.map((ri) => ri * (1 - decay)),
          scale,
        ),
      };
    }
    case 'IF': {
      const { threshold, scale } = thresholdGain();
      return {
        spec: { type: 'if', threshold, reset, dt },
        gain: perNeuron(
          r.map((ri) => ri * seconds),
          scale,
        ),
      };
    }
    case 'CubaLIF':
    case 'CubaLI': {
      const tauMem = uniform(name, param(name, node, 'tau_mem').values, 'tau_mem');
      const tauSyn = uniform(name, param(name, node, 'tau_syn').values, 'tau_syn');
      const wIn = optionalParam(name, node, 'w_in') ?? [1];
      const { alphaSyn } = expSynapseConstants(tauMem, tauSyn, seconds);
      const input = perNeuron(r, wIn).map((g) => g * (1 - alphaSyn));
      if (node.type === 'CubaLI') {
        return { spec: { type: 'li', tauMem: tauMem * 1000, tauSyn: tauSyn * 1000, dt }, gain: input };
      }
      if (reset === 'subtract') {
        warnings.push(
          `NIR node ${JSON.stringify(name)}: CubaLIF becomes lif-exp, which resets to 0, not by subtraction`,
        );
      }
      const { threshold, scale } = thresholdGain();
      return {
        spec: { type: 'lif-exp', tauMem: tauMem * 1000, tauSyn: tauSyn * 1000, threshold, dt },
        gain: perNeuron(input, scale),
      };
    }
    default:
      throw unsupported(name, `${node.type} is not a neuron plasticity can import`);
  }
}

const CONNECTIONS = new Set(['Affine', 'Linear', 'Conv2d']);
const NEURONS = new Set(['LIF', 'IF', 'CubaLIF', 'CubaLI']);
const PASSIVE = new Set(['SumPool2d', 'AvgPool2d', 'Flatten']);

/** The graph's nodes in chain order from Input, with recurrence loops (neuron → R → neuron) found. */
function chainOf(graph: NirGraph): { order: string[]; recurrent: Map<string, string> } {
  const successors = new Map<string, string[]>();
  const predecessors = new Map<string, string[]>();
  for (const name of Object.keys(graph.nodes)) {
    successors.set(name, []);
    predecessors.set(name, []);
  }
  for (const [source, target] of graph.edges) {
    successors.get(source)!.push(target);
    predecessors.get(target)!.push(source);
  }
  const typeOf = (name: string) => {
    const node = graph.nodes[name];
    return isNirGraph(node) ? 'NIRGraph' : node.type;
  };
  const inputs = Object.keys(graph.nodes).filter((n) => typeOf(n) === 'Input');
  if (inputs.length !== 1) {
    throw new PlasticityError(
      'E_UNSUPPORTED',
      `a NIR graph with ${inputs.length} Input nodes; plasticity imports one`,
      {
        inputs,
      },
    );
  }
  // A recurrence: a neuron N whose successor R (a connection) leads only back to N.
  const recurrent = new Map<string, string>();
  for (const [name, next] of successors) {
    if (!NEURONS.has(typeOf(name))) continue;
    for (const r of next) {
      if (CONNECTIONS.has(typeOf(r)) && successors.get(r)!.length === 1 && successors.get(r)![0] === name) {
        recurrent.set(name, r);
      }
    }
  }
  const loops = new Set(recurrent.values());
  const order: string[] = [];
  let current = inputs[0];
  const seen = new Set<string>();
  for (;;) {
    if (seen.has(current)) throw unsupported(current, 'is reached twice: a cycle plasticity cannot run');
    seen.add(current);
    order.push(current);
    const next = successors.get(current)!.filter((n) => !loops.has(n));
    if (next.length === 0) break;
    if (next.length > 1) {
      throw unsupported(current, `feeds ${next.join(', ')}: plasticity's networks are chains of layers`);
    }
    const incoming = predecessors.get(next[0])!.filter((n) => !loops.has(n));
    if (incoming.length > 1)
      throw unsupported(next[0], `has inputs ${incoming.join(', ')}: one is all a layer takes`);
    current = next[0];
  }
  const unreached = Object.keys(graph.nodes).filter((n) => !seen.has(n) && !loops.has(n));
  if (unreached.length > 0) throw unsupported(unreached[0], 'is not on the path from the Input node');
  return { order, recurrent };
}

/** A connection's weights in our layout: dense `[in, out]`, conv `[kh, kw, C, F]`. */
function connectionWeights(
  name: string,
  node: NirNode,
): { kernel: tf.Tensor; bias?: number[]; units: number } {
  const weight = param(name, node, 'weight');
  // NIR's Conv2d always has a bias: an all-zero one (what Sinabs writes) is none.
  const given = node.type === 'Linear' ? undefined : optionalParam(name, node, 'bias');
  const bias = node.type === 'Conv2d' && given?.every((b) => b === 0) ? undefined : given;
  if (node.type === 'Conv2d') {
    if (weight.shape.length !== 4) throw unsupported(name, `a Conv2d weight of shape [${weight.shape}]`);
    const [f, c, kh, kw] = weight.shape;
    const kernel = tf.tidy(() => tf.transpose(tf.tensor4d(weight.values, [f, c, kh, kw]), [2, 3, 1, 0]));
    return { kernel, bias, units: f };
  }
  if (weight.shape.length !== 2) throw unsupported(name, `a ${node.type} weight of shape [${weight.shape}]`);
  const [out, inputs] = weight.shape;
  return { kernel: tf.tidy(() => tf.transpose(tf.tensor2d(weight.values, [out, inputs]))), bias, units: out };
}

const pair = (values: number[] | undefined, fallback: number): [number, number] =>
  values === undefined
    ? [fallback, fallback]
    : values.length === 1
      ? [values[0], values[0]]
      : [values[0], values[1]];

/** NIR's explicit padding; none is 'valid'. */
function padding(values: number[] | undefined): 'valid' | [number, number] {
  const [rows, cols] = pair(values, 0);
  return rows === 0 && cols === 0 ? 'valid' : [rows, cols];
}

/**
 * Converts a NIR graph into a layer chain with its weights: Input → (Affine | Linear | Conv2d,
 * a neuron, SumPool2d, AvgPool2d, Flatten)* → Output, where a neuron may feed a Linear or Affine
 * that leads back to it (recurrence). E_UNSUPPORTED names the node the chain cannot hold.
 */
export function importNirGraph(graph: NirGraph, options: NirImportOptions): ImportedNetwork {
  if (!(options.dt > 0)) {
    throw new PlasticityError(
      'E_CONFIG',
      `NIR graphs are continuous-time: give the step dt in ms (got ${options.dt})`,
      {
        field: 'dt',
      },
    );
  }
  const { order, recurrent } = chainOf(graph);
  const node = (name: string) => graph.nodes[name] as NirNode;
  const inputNode = node(order[0]);
  const nirInput = nirNumbers(inputNode.params.shape as NirArray);
  // NIR images are [C, H, W]; ours are [H, W, C].
  const inputShape = nirInput.length === 3 ? [nirInput[1], nirInput[2], nirInput[0]] : nirInput;
  const layers: LayerSpec[] = [];
  const sources: string[] = [];
  const warnings: string[] = [];
  const weights: Record<string, tf.Tensor> = {};
  // Set by Flatten: the next dense kernel's rows come in NIR's [C, H, W] order.
  let flattenedFrom: number[] | undefined;
  const disposeAll = () => tf.dispose(Object.values(weights));
  try {
    for (let i = 1; i < order.length; i++) {
      const name = order[i];
      const entry = graph.nodes[name];
      if (isNirGraph(entry)) throw unsupported(name, 'is a nested graph; flatten it into its parent first');
      const here = entry;
      if (here.type === 'Output') {
        if (i !== order.length - 1) throw unsupported(name, 'is an Output with nodes after it');
        break;
      }
      const index = layers.length;
      if (CONNECTIONS.has(here.type)) {
        const { kernel, bias, units } = connectionWeights(name, here);
        const neuronName = order[i + 1];
        const loop = neuronName === undefined ? undefined : recurrent.get(neuronName);
        let gain: number[] = [1];
        let neuron: LayerSpec | undefined;
        if (neuronName !== undefined && NEURONS.has(node(neuronName).type)) {
          ({ spec: neuron, gain } = neuronLayer(neuronName, node(neuronName), options, warnings));
        }
        const scaleColumns = (t: tf.Tensor) =>
          gain.length === 1 || here.type === 'Conv2d'
            ? tf.mul(t, uniform(neuronName ?? name, gain, 'input gain'))
            : tf.mul(t, tf.tensor1d(gain));
        let kernelOurs = kernel;
        if (flattenedFrom !== undefined && here.type !== 'Conv2d') {
          kernelOurs = tf.tidy(() => tf.gather(kernel, chwToHwcRows(flattenedFrom!)));
          kernel.dispose();
          flattenedFrom = undefined;
        }
        weights[paramName(index, 'kernel')] = tf.tidy(() => scaleColumns(kernelOurs));
        kernelOurs.dispose();
        let loopBias: number[] | undefined;
        if (loop !== undefined) {
          const r = connectionWeights(loop, node(loop));
          if (node(loop).type === 'Conv2d') throw unsupported(loop, 'a convolution as recurrence');
          weights[paramName(index, 'recurrent')] = tf.tidy(() => scaleColumns(r.kernel));
          r.kernel.dispose();
          loopBias = r.bias;
        }
        const biasTotal =
          bias || loopBias
            ? Array.from({ length: units }, (_, u) => (bias?.[u] ?? 0) + (loopBias?.[u] ?? 0))
            : undefined;
        if (biasTotal)
          weights[paramName(index, 'bias')] = tf.tidy(() => scaleColumns(tf.tensor1d(biasTotal)));
        if (here.type === 'Conv2d') {
          for (const [key, ok] of [
            ['dilation', 1],
            ['groups', 1],
          ] as const) {
            const values = optionalParam(name, here, key);
            if (values && values.some((v) => v !== ok))
              throw unsupported(name, `${key} ${values} (plasticity has ${ok})`);
          }
          const [kh, kw] = kernel.shape;
          layers.push({
            type: 'conv2d',
            filters: units,
            kernel: [kh, kw],
            stride: pair(optionalParam(name, here, 'stride'), 1),
            padding: padding(optionalParam(name, here, 'padding')),
            bias: biasTotal !== undefined,
          });
        } else {
          layers.push({
            type: loop === undefined ? 'dense' : 'recurrent',
            units,
            bias: biasTotal !== undefined,
          });
        }
        sources.push(name);
        if (neuron !== undefined) {
          layers.push(neuron);
          sources.push(neuronName);
          i++;
        }
        continue;
      }
      if (NEURONS.has(here.type)) {
        // A neuron straight after a non-connection: only a gain of 1 is exact.
        const { spec, gain } = neuronLayer(name, here, options, warnings);
        if (gain.some((g) => Math.abs(g - 1) > 1e-12)) {
          throw unsupported(
            name,
            'a neuron whose input gain is not 1 needs a connection (Affine, Linear, Conv2d) before it',
          );
        }
        layers.push(spec);
        sources.push(name);
        continue;
      }
      if (here.type === 'SumPool2d' || here.type === 'AvgPool2d') {
        const size = pair(optionalParam(name, here, 'kernel_size'), 1);
        layers.push({
          type: 'pool2d',
          kind: here.type === 'SumPool2d' ? 'sum' : 'avg',
          size,
          stride: pair(optionalParam(name, here, 'stride'), size[0]),
          padding: padding(optionalParam(name, here, 'padding')),
        });
        sources.push(name);
        continue;
      }
      if (here.type === 'Flatten') {
        const from = optionalParam(name, here, 'input_type');
        const start = optionalParam(name, here, 'start_dim')?.[0] ?? 0;
        const end = optionalParam(name, here, 'end_dim')?.[0] ?? -1;
        if (start !== 0 || (end !== -1 && from !== undefined && end !== from.length - 1)) {
          throw unsupported(name, `flattens dimensions ${start}..${end}; plasticity flattens a whole sample`);
        }
        if (from !== undefined && from.length === 3) flattenedFrom = from;
        layers.push({ type: 'flatten' });
        sources.push(name);
        continue;
      }
      throw unsupported(
        name,
        `${here.type} is not a primitive plasticity can import (it has ${[...CONNECTIONS, ...NEURONS, ...PASSIVE].join(', ')})`,
      );
    }
  } catch (error) {
    disposeAll();
    throw error;
  }
  return { layers, inputShape, weights, sources, warnings };
}

/** A runnable network from a NIR graph: `importNirGraph`'s layers with its weights loaded. */
export function networkFromNir(
  graph: NirGraph,
  options: NirImportOptions & Omit<SpikingNetworkOptions, 'dt'>,
): SpikingNetwork {
  const imported = importNirGraph(graph, options);
  try {
    const network = createSpikingNetwork(imported.layers, imported.inputShape, options);
    for (const [name, variable] of Object.entries(network.params)) {
      const value = imported.weights[name];
      if (value === undefined) throw new Error(`NIR import: no weights for ${name}`);
      (variable as tf.Variable).assign(value);
    }
    return network;
  } finally {
    tf.dispose(Object.values(imported.weights));
  }
}
