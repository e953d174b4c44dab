import * as tf from '@tensorflow/tfjs-core';
import { PlasticityError, paramName } from '@plasticity/core-tensors';
import type { LayerChain } from '@plasticity/core-tensors';
import { expSynapseConstants } from '../models/decay.js';
import type { GatedThetaParams, LeakyIntegratorParams, NeuronParams } from '../models/params.js';
import { createSpikingNetwork } from '../network/network.js';
import type { SpikingNetwork } from '../network/network.js';
import type { LayerSpec, ResolvedLayer } from '../network/spec.js';
import { NIR_VERSION, nirFloat32, nirInt64 } from './graph.js';
import type { NirArray, NirDocument, NirGraph, NirNode } from './graph.js';
import { hwcToChwRows } from './layout.js';

// Our layer chain as a NIR graph, the inverse of import.ts: each neuron's NIR parameters are
// chosen so that its input gain (r·(1 − e^(−dt/τ)) for LIF, ...) is exactly 1 and the weights
// go out unchanged. Those parameters are float64, so that reading them back gives gain 1 to
// the last bit.

/** A NIR graph and what it could not say exactly. */
export interface ExportedNir {
  readonly document: NirDocument;
  /** Conventions the graph cannot carry (a reset by subtraction), one line each. */
  readonly warnings: string[];
}

const float64 = (values: number[], shape: readonly number[] = [values.length]): NirArray => ({
  dtype: 'float64',
  shape: [...shape],
  data: Float64Array.from(values),
});

const unsupported = (layer: ResolvedLayer, message: string) =>
  new PlasticityError('E_UNSUPPORTED', `layer ${layer.index} (${layer.type}): ${message}`, {
    layer: layer.index,
  });

/** NIR's `[C, H, W]` for our `[H, W, C]`; flat shapes as they are. */
const nirShape = (shape: readonly number[]) =>
  shape.length === 3 ? [shape[2], shape[0], shape[1]] : [...shape];

function neuronNode(
  layer: ResolvedLayer,
  model: NeuronParams | LeakyIntegratorParams | GatedThetaParams,
  warnings: string[],
): NirNode {
  const units = layer.outShape.reduce((a, b) => a * b, 1);
  const shape = nirShape(layer.outShape);
  const fill = (value: number) => float64(new Array<number>(units).fill(value), shape);
  const seconds = model.dt / 1000;
  if ('refractory' in model && model.refractory > 0) {
    throw unsupported(layer, `a refractory period (${model.refractory} ms) has no NIR counterpart`);
  }
  if ('reset' in model && model.reset === 'subtract') {
    warnings.push(
      `layer ${layer.index} (${layer.type}) resets by subtracting the threshold; NIR resets to 0: ` +
        "import it with reset 'subtract' to run it as trained",
    );
  }
  switch (model.kind) {
    case 'lif': {
      const decay = Math.exp(-model.dt / model.tauMem);
      return {
        type: 'LIF',
        params: {
          tau: fill(model.tauMem / 1000),
          r: fill(1 / (1 - decay)),
          v_leak: fill(0),
          v_threshold: fill(model.threshold),
        },
      };
    }
    case 'integrateAndFire':
      return { type: 'IF', params: { r: fill(1 / seconds), v_threshold: fill(model.threshold) } };
    case 'lifExp':
    case 'leakyIntegrator': {
      const { alphaSyn } = expSynapseConstants(model.tauMem, model.tauSyn, model.dt);
      const params = {
        tau_mem: fill(model.tauMem / 1000),
        tau_syn: fill(model.tauSyn / 1000),
        r: fill(1),
        v_leak: fill(0),
        w_in: fill(1 / (1 - alphaSyn)),
      };
      return model.kind === 'lifExp'
        ? { type: 'CubaLIF', params: { ...params, v_threshold: fill(model.threshold) } }
        : { type: 'CubaLI', params };
    }
    default:
      throw unsupported(layer, `${model.kind} neurons have no NIR counterpart`);
  }
}

/** Explicit `[rows, cols]` padding of a resolved layer, where NIR can say it. */
function explicitPadding(layer: ResolvedLayer & { padding: unknown }, size: readonly [number, number]) {
  const padding = layer.padding as 'same' | 'valid' | readonly [number, number];
  if (padding === 'valid') return [0, 0];
  if (typeof padding !== 'string') return [...padding];
  const stride = (layer as { stride: readonly [number, number] }).stride;
  if (stride[0] === 1 && stride[1] === 1 && size[0] % 2 === 1 && size[1] % 2 === 1) {
    return [(size[0] - 1) / 2, (size[1] - 1) / 2];
  }
  throw unsupported(
    layer,
    "'same' padding that is not symmetric (stride > 1 or an even window) has no NIR form",
  );
}

/**
 * The network as a NIR graph: nodes `input`, one per layer (`"<index>"`, a recurrent layer's
 * loop as `"<index>.recurrent"`) and `output`. E_UNSUPPORTED names a layer NIR cannot express
 * (alif, max pooling, a refractory period).
 */
export async function exportNirGraph(network: SpikingNetwork): Promise<ExportedNir> {
  const warnings: string[] = [];
  const nodes: Record<string, NirNode> = {
    input: { type: 'Input', params: { shape: nirInt64(nirShape(network.inputShape)) } },
  };
  const edges: [string, string][] = [];
  let previous = 'input';
  let flattenedFrom: number[] | undefined;
  const weight = (index: number, kind: 'kernel' | 'bias' | 'recurrent') =>
    network.params[paramName(index, kind)] as tf.Tensor | undefined;
  for (const layer of network.layers) {
    const name = String(layer.index);
    let node: NirNode;
    switch (layer.type) {
      case 'dense':
      case 'recurrent': {
        const kernel = weight(layer.index, 'kernel')!;
        const rows = flattenedFrom;
        flattenedFrom = undefined;
        const nirWeight = tf.tidy(() => tf.transpose(rows ? tf.gather(kernel, hwcToChwRows(rows)) : kernel));
        const values = nirFloat32(await nirWeight.data(), nirWeight.shape);
        nirWeight.dispose();
        const bias = weight(layer.index, 'bias');
        node = bias
          ? { type: 'Affine', params: { weight: values, bias: nirFloat32(await bias.data()) } }
          : { type: 'Linear', params: { weight: values } };
        if (layer.type === 'recurrent') {
          const recurrent = tf.tidy(() => tf.transpose(weight(layer.index, 'recurrent')!));
          nodes[`${name}.recurrent`] = {
            type: 'Linear',
            params: { weight: nirFloat32(await recurrent.data(), recurrent.shape) },
          };
          recurrent.dispose();
        }
        break;
      }
      case 'conv2d': {
        const kernel = tf.tidy(() => tf.transpose(weight(layer.index, 'kernel')!, [3, 2, 0, 1]));
        const bias = weight(layer.index, 'bias');
        node = {
          type: 'Conv2d',
          params: {
            weight: nirFloat32(await kernel.data(), kernel.shape),
            bias: nirFloat32(bias ? await bias.data() : new Array<number>(layer.filters).fill(0)),
            stride: nirInt64(layer.stride),
            padding: nirInt64(explicitPadding(layer, layer.kernel)),
            dilation: nirInt64([1, 1]),
            groups: nirInt64([1], []),
            input_shape: nirInt64(layer.inShape.slice(0, 2)),
          },
        };
        kernel.dispose();
        break;
      }
      case 'pool2d': {
        if (layer.kind === 'max')
          throw unsupported(layer, 'max pooling has no NIR counterpart (NIR pools sum or average)');
        node = {
          type: layer.kind === 'sum' ? 'SumPool2d' : 'AvgPool2d',
          params: {
            kernel_size: nirInt64(layer.size),
            stride: nirInt64(layer.stride),
            padding: nirInt64(explicitPadding(layer, layer.size)),
          },
        };
        break;
      }
      case 'flatten': {
        const chw = nirShape(layer.inShape);
        if (layer.inShape.length === 3) flattenedFrom = chw;
        node = {
          type: 'Flatten',
          params: { input_type: nirInt64(chw), start_dim: nirInt64([0], []), end_dim: nirInt64([-1], []) },
        };
        break;
      }
      default:
        node = neuronNode(layer, layer.model, warnings);
    }
    nodes[name] = node;
    edges.push([previous, name]);
    previous = name;
    const last = network.layers[layer.index - 1];
    if ('model' in layer && last?.type === 'recurrent') {
      edges.push([name, `${last.index}.recurrent`], [`${last.index}.recurrent`, name]);
    }
  }
  nodes.output = { type: 'Output', params: { shape: nirInt64(nirShape(network.outputShape)) } };
  edges.push([previous, 'output']);
  const graph: NirGraph = { nodes, edges };
  return { document: { version: NIR_VERSION, graph }, warnings };
}

/**
 * A rule's layer chain (`RulePlugin.layerChain`) as a NIR graph: the chain's network is built
 * with the chain's weights and exported. E_SHAPE names a weight the chain lacks or has in
 * another shape.
 */
export async function exportLayerChain(chain: LayerChain): Promise<ExportedNir> {
  const network = createSpikingNetwork(chain.layers as readonly LayerSpec[], chain.inputShape, {
    dt: chain.dt,
  });
  try {
    for (const [name, variable] of Object.entries(network.params)) {
      const weights = chain.params[name];
      if (weights === undefined || !tf.util.arraysEqual(weights.shape, variable.shape)) {
        throw new PlasticityError(
          'E_SHAPE',
          `the layer chain's weight ${name} is ${weights ? `[${weights.shape}]` : 'missing'}; its layers need [${variable.shape}]`,
          { param: name },
        );
      }
      variable.assign(weights);
    }
    return await exportNirGraph(network);
  } finally {
    network.dispose();
  }
}
