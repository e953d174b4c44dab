import { z } from 'zod';
import { PlasticityError, isPlasticityError, validateWithSchema } from '@plasticity/core-tensors';
import type {
  AlifParamsInput,
  GatedThetaParams,
  GatedThetaParamsInput,
  IntegrateAndFireParamsInput,
  LeakyIntegratorParams,
  LeakyIntegratorParamsInput,
  LifExpParamsInput,
  LifParamsInput,
  NeuronParams,
} from '../models/params.js';
import {
  alifParams,
  gatedThetaParams,
  integrateAndFireParams,
  leakyIntegratorParams,
  lifExpParams,
  lifParams,
} from '../models/params.js';

// Layer specs are plain JSON-able records, so a rule's config can hold a whole network.

/** How a connection's weights are drawn: Keras-style names, or an explicit distribution. */
export type InitSpec =
  | 'glorot-uniform'
  | 'he-normal'
  | { readonly dist: 'normal'; readonly mean: number; readonly std: number }
  | { readonly dist: 'uniform'; readonly lo: number; readonly hi: number };

interface ConnectionFields {
  /** Adds a learned bias to the drive (default false, as in most spiking networks and EventProp). */
  readonly bias?: boolean;
  /** Weight initialiser (default 'he-normal': large enough that the next layer fires). */
  readonly init?: InitSpec;
}

/** Fully connected: `[T, B, inputs]` → `[T, B, units]`; needs a flat input (use `flatten`). */
export interface DenseSpec extends ConnectionFields {
  readonly type: 'dense';
  readonly units: number;
}

/**
 * Dense with recurrence: the spikes of the neuron layer that must follow it, at step t − 1,
 * add `spikes·recurrent` (`[units, units]`) to its drive at step t.
 */
export interface RecurrentSpec extends ConnectionFields {
  readonly type: 'recurrent';
  readonly units: number;
  /** Initialiser of the recurrent matrix (default: `init`). */
  readonly recurrentInit?: InitSpec;
}

/** TensorFlow's 'same' or 'valid', or explicit symmetric zero padding per axis. */
export type PaddingSpec = 'same' | 'valid' | number | readonly [number, number];
/** Resolved padding: explicit padding is always `[rows, cols]`. */
export type Padding = 'same' | 'valid' | readonly [number, number];

/** 2-D convolution on NHWC frames `[T, B, H, W, C]` → `[T, B, H', W', filters]`. */
export interface Conv2dSpec extends ConnectionFields {
  readonly type: 'conv2d';
  readonly filters: number;
  /** Kernel size, square or `[height, width]`. */
  readonly kernel: number | readonly [number, number];
  /** Default 1. */
  readonly stride?: number | readonly [number, number];
  /**
   * Default 'valid' (no padding, as PyTorch's default); a number or `[rows, cols]` pads that many
   * zeros on both sides of each axis (PyTorch's `padding`).
   */
  readonly padding?: PaddingSpec;
}

/** 2-D max or average pooling over `[T, B, H, W, C]`; stride defaults to the size. */
export interface Pool2dSpec {
  readonly type: 'pool2d';
  /** `sum` adds the window (NIR's SumPool2d): `avg` times the window's area. */
  readonly kind: 'max' | 'avg' | 'sum';
  readonly size: number | readonly [number, number];
  readonly stride?: number | readonly [number, number];
  readonly padding?: PaddingSpec;
}

/** `[T, B, ...shape]` → `[T, B, product(shape)]`. */
export interface FlattenSpec {
  readonly type: 'flatten';
}

/** snnTorch-style LIF (`lifParams`). */
export type LifSpec = { readonly type: 'lif' } & LifParamsInput;
/** Adaptive-threshold LIF (`alifParams`). */
export type AlifSpec = { readonly type: 'alif' } & AlifParamsInput;
/** Integrate-and-fire (`integrateAndFireParams`). */
export type IfSpec = { readonly type: 'if' } & IntegrateAndFireParamsInput;
/** LIF with exponential current synapse (`lifExpParams`), the EventProp neuron. */
export type LifExpSpec = { readonly type: 'lif-exp' } & LifExpParamsInput;
/** Non-spiking leaky-integrator readout (`leakyIntegratorParams`). */
export type LiSpec = { readonly type: 'li' } & LeakyIntegratorParamsInput;
/**
 * Theta neuron with a gated synapse (`gatedThetaParams`): no surrogate, its synaptic output s
 * (not its spikes) feeds the next layer and the recurrence.
 */
export type GatedThetaSpec = { readonly type: 'gated-theta' } & GatedThetaParamsInput;

export type ConnectionSpec = DenseSpec | RecurrentSpec | Conv2dSpec;
export type NeuronSpec = LifSpec | AlifSpec | IfSpec | LifExpSpec | LiSpec | GatedThetaSpec;
export type LayerSpec = ConnectionSpec | Pool2dSpec | FlattenSpec | NeuronSpec;

export const CONNECTION_TYPES = ['dense', 'recurrent', 'conv2d'] as const;
export const NEURON_TYPES = ['lif', 'alif', 'if', 'lif-exp', 'li', 'gated-theta'] as const;
export const LAYER_TYPES = [...CONNECTION_TYPES, 'pool2d', 'flatten', ...NEURON_TYPES] as const;
export type LayerType = (typeof LAYER_TYPES)[number];

/** A validated layer with its defaults filled in and its per-sample input and output shapes. */
export type ResolvedLayer = {
  readonly index: number;
  readonly inShape: readonly number[];
  readonly outShape: readonly number[];
} & (
  | {
      readonly type: 'dense' | 'recurrent';
      readonly units: number;
      readonly bias: boolean;
      readonly init: InitSpec;
      readonly recurrentInit: InitSpec;
    }
  | {
      readonly type: 'conv2d';
      readonly filters: number;
      readonly kernel: readonly [number, number];
      readonly stride: readonly [number, number];
      readonly padding: Padding;
      readonly bias: boolean;
      readonly init: InitSpec;
    }
  | {
      readonly type: 'pool2d';
      readonly kind: 'max' | 'avg' | 'sum';
      readonly size: readonly [number, number];
      readonly stride: readonly [number, number];
      readonly padding: Padding;
    }
  | { readonly type: 'flatten' }
  | { readonly type: 'lif' | 'alif' | 'if' | 'lif-exp'; readonly model: NeuronParams }
  | { readonly type: 'li'; readonly model: LeakyIntegratorParams }
  | { readonly type: 'gated-theta'; readonly model: GatedThetaParams }
);

const count = z.number().int().positive();
const pair = z.union([count, z.tuple([count, count])]);
const initSchema = z.union([
  z.enum(['glorot-uniform', 'he-normal']),
  z.strictObject({ dist: z.literal('normal'), mean: z.number(), std: z.number().min(0) }),
  z.strictObject({ dist: z.literal('uniform'), lo: z.number(), hi: z.number() }),
]);
const paddingSchema = z
  .union([
    z.enum(['same', 'valid']),
    z.number().int().min(0),
    z.tuple([z.number().int().min(0), z.number().int().min(0)]),
  ])
  .default('valid');
const connection = { bias: z.boolean().default(false), init: initSchema.default('he-normal') };
const SCHEMAS = {
  dense: z.strictObject({ type: z.literal('dense'), units: count, ...connection }),
  recurrent: z.strictObject({
    type: z.literal('recurrent'),
    units: count,
    ...connection,
    recurrentInit: initSchema.optional(),
  }),
  conv2d: z.strictObject({
    type: z.literal('conv2d'),
    filters: count,
    kernel: pair,
    stride: pair.default(1),
    padding: paddingSchema,
    ...connection,
  }),
  pool2d: z.strictObject({
    type: z.literal('pool2d'),
    kind: z.enum(['max', 'avg', 'sum']),
    size: pair,
    stride: pair.optional(),
    padding: paddingSchema,
  }),
  flatten: z.strictObject({ type: z.literal('flatten') }),
};

const NEURON_FACTORIES: Readonly<
  Record<NeuronSpec['type'], (input: object) => NeuronParams | LeakyIntegratorParams | GatedThetaParams>
> = {
  lif: lifParams,
  alif: alifParams,
  if: integrateAndFireParams,
  'lif-exp': lifExpParams,
  li: leakyIntegratorParams,
  'gated-theta': gatedThetaParams,
};

const SPIKING = new Set<string>(['lif', 'alif', 'if', 'lif-exp', 'gated-theta']);

/** True for neuron layers that emit spikes (every neuron type but the `li` readout). */
export function isSpikingType(type: string): boolean {
  return SPIKING.has(type);
}

function asPair(value: number | readonly [number, number]): readonly [number, number] {
  return typeof value === 'number' ? [value, value] : [value[0], value[1]];
}

const fmt = (shape: readonly number[]) => `[${shape.join(', ')}]`;

function shapeError(index: number, type: string, message: string, field?: string): PlasticityError {
  return new PlasticityError('E_SHAPE', `layer ${index} (${type}): ${message}`, { layer: index, field });
}

function configError(index: number, type: string, message: string, field?: string): PlasticityError {
  return new PlasticityError('E_CONFIG', `layer ${index} (${type}): ${message}`, { layer: index, field });
}

/** Output length of a windowed op along one axis (TensorFlow's 'same'/'valid' rules, or `pad` zeros each side). */
function windowOut(length: number, size: number, stride: number, padding: 'same' | 'valid' | number): number {
  if (padding === 'same') return Math.ceil(length / stride);
  const pad = padding === 'valid' ? 0 : padding;
  return Math.floor((length + 2 * pad - size) / stride) + 1;
}

function resolvePadding(padding: PaddingSpec): Padding {
  return typeof padding === 'string' ? padding : asPair(padding);
}

function spatial(
  index: number,
  type: string,
  inShape: readonly number[],
  size: readonly [number, number],
  stride: readonly [number, number],
  padding: Padding,
  channels: number,
): number[] {
  if (inShape.length !== 3) {
    throw shapeError(index, type, `needs frames [H, W, C] per sample, got ${fmt(inShape)}`, 'input');
  }
  const [h, w] = [0, 1].map((a) =>
    windowOut(inShape[a], size[a], stride[a], typeof padding === 'string' ? padding : padding[a]),
  );
  if (h < 1 || w < 1) {
    throw shapeError(
      index,
      type,
      `window ${fmt(size)} does not fit the input ${fmt(inShape)} with padding ${JSON.stringify(padding)}`,
      type === 'conv2d' ? 'kernel' : 'size',
    );
  }
  return [h, w, channels];
}

function resolveNeuron(
  index: number,
  spec: NeuronSpec,
  dt: number | undefined,
): { model: NeuronParams | LeakyIntegratorParams | GatedThetaParams } {
  const { type, ...fields } = spec;
  const input = dt !== undefined && (fields as { dt?: number }).dt === undefined ? { ...fields, dt } : fields;
  try {
    return { model: NEURON_FACTORIES[type](input) };
  } catch (error) {
    if (!isPlasticityError(error)) throw error;
    throw new PlasticityError(error.code, `layer ${index} (${type}): ${error.message}`, {
      ...error.details,
      layer: index,
    });
  }
}

function resolveOne(
  index: number,
  raw: unknown,
  inShape: readonly number[],
  dt: number | undefined,
): ResolvedLayer {
  const type = (raw as { type?: unknown } | null)?.type;
  if (typeof type !== 'string' || !(LAYER_TYPES as readonly string[]).includes(type)) {
    throw configError(
      index,
      String(type),
      `type must be one of ${LAYER_TYPES.join(', ')}, got ${JSON.stringify(type)}`,
      'type',
    );
  }
  const base = { index, inShape };
  if ((NEURON_TYPES as readonly string[]).includes(type)) {
    const { model } = resolveNeuron(index, raw as NeuronSpec, dt);
    return { ...base, outShape: inShape, type, model } as ResolvedLayer;
  }
  const spec = validateWithSchema(
    SCHEMAS[type as keyof typeof SCHEMAS] as z.ZodType<Record<string, unknown>>,
    raw,
    {
      what: `layer ${index} (${type})`,
      details: { layer: index },
    },
  );
  switch (type) {
    case 'dense':
    case 'recurrent': {
      if (inShape.length !== 1) {
        throw shapeError(
          index,
          type,
          `needs a flat input [features] per sample, got ${fmt(inShape)}; add {type: 'flatten'} before it`,
          'input',
        );
      }
      const s = spec as z.output<typeof SCHEMAS.recurrent>;
      return {
        ...base,
        outShape: [s.units],
        type,
        units: s.units,
        bias: s.bias,
        init: s.init,
        recurrentInit: s.recurrentInit ?? s.init,
      };
    }
    case 'conv2d': {
      const s = spec as z.output<typeof SCHEMAS.conv2d>;
      const [kernel, stride, padding] = [asPair(s.kernel), asPair(s.stride), resolvePadding(s.padding)];
      const outShape = spatial(index, type, inShape, kernel, stride, padding, s.filters);
      return {
        ...base,
        outShape,
        type,
        filters: s.filters,
        kernel,
        stride,
        padding,
        bias: s.bias,
        init: s.init,
      };
    }
    case 'pool2d': {
      const s = spec as z.output<typeof SCHEMAS.pool2d>;
      const size = asPair(s.size);
      const stride = asPair(s.stride ?? s.size);
      const padding = resolvePadding(s.padding);
      const outShape = spatial(index, type, inShape, size, stride, padding, inShape[2]);
      return { ...base, outShape, type, kind: s.kind, size, stride, padding };
    }
    default:
      return { ...base, outShape: [inShape.reduce((a, b) => a * b, 1)], type: 'flatten' };
  }
}

/**
 * Validates `layers` against a per-sample `inputShape` and fills in defaults; `dt` (ms) is the
 * time step for neuron layers that do not set their own. Errors are E_CONFIG (bad field) or
 * E_SHAPE (layers that do not fit together), each naming the layer index and field.
 */
export function resolveLayers(
  layers: readonly LayerSpec[],
  inputShape: readonly number[],
  dt?: number,
): ResolvedLayer[] {
  if (!Array.isArray(layers) || layers.length === 0) {
    throw new PlasticityError('E_CONFIG', 'a spiking network needs a non-empty list of layers', {
      field: 'layers',
    });
  }
  if (!inputShape.every((d) => Number.isInteger(d) && d > 0) || inputShape.length === 0) {
    throw new PlasticityError('E_SHAPE', `inputShape must be whole numbers > 0, got ${fmt(inputShape)}`, {
      field: 'inputShape',
    });
  }
  const resolved: ResolvedLayer[] = [];
  let shape = inputShape;
  layers.forEach((raw, index) => {
    const layer = resolveOne(index, raw, shape, dt);
    resolved.push(layer);
    shape = layer.outShape;
  });
  resolved.forEach((layer, index) => {
    if (layer.type !== 'recurrent') return;
    const next = resolved[index + 1];
    if (!next || !isSpikingType(next.type)) {
      throw configError(
        index,
        'recurrent',
        `must be followed by a spiking neuron layer (lif, alif, if, lif-exp, gated-theta), whose output it feeds back; got ${next ? next.type : 'nothing'}`,
        'type',
      );
    }
  });
  return resolved;
}

/**
 * A layer error of `resolveLayers`/`createSpikingNetwork` as a rule's config error: E_CONFIG on
 * the field `layers[i].field`, the message prefixed by the rule's name. Other errors pass through.
 */
export function layerConfigError(error: unknown, rule: string): unknown {
  if (!isPlasticityError(error) || typeof error.details?.layer !== 'number') return error;
  const { layer, field, issues } = error.details as {
    layer: number;
    field?: string;
    issues?: readonly { path: string }[];
  };
  const where = field ?? issues?.[0]?.path;
  return new PlasticityError('E_CONFIG', `${rule}: ${error.message}`, {
    ...error.details,
    field: `layers[${layer}]${where ? `.${where}` : ''}`,
  });
}
