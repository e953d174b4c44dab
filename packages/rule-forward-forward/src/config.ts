import { z } from 'zod';
import { optimizerConfigShape, weightDecaySchema } from '@plasticity/core-tensors';

export const GOODNESS = ['sum', 'mean'] as const;
export const NORMALIZATIONS = ['rms', 'length'] as const;
export const NEGATIVES = ['hard', 'random'] as const;
export const PREDICTIONS = ['softmax', 'goodness'] as const;
export const MODES = ['supervised', 'unsupervised'] as const;

export type GoodnessKind = (typeof GOODNESS)[number];
export type NormalizationKind = (typeof NORMALIZATIONS)[number];
export type NegativeKind = (typeof NEGATIVES)[number];
export type PredictionKind = (typeof PREDICTIONS)[number];
export type FfMode = (typeof MODES)[number];

const fraction = (fallback: number, what: string) => z.number().min(0).lt(1).default(fallback).describe(what);
const rate = (fallback: number, what: string) => z.number().positive().default(fallback).describe(what);

/**
 * Forward-Forward config. Every field has a default, so `{}` is valid; unknown keys are
 * rejected so that a typo in a config file is an error rather than silently ignored.
 */
export const forwardForwardConfigSchema = z.strictObject({
  mode: z
    .enum(MODES)
    .default('supervised')
    .describe(
      'supervised: the label is written into the input (see labelPlacement), negatives carry wrong labels; unsupervised: negatives are hybrid images (masked blends of two inputs), a linear readout reads the features.',
    ),
  hidden: z
    .array(z.number().int().positive().max(1_000_000))
    .min(1)
    .default([1000, 1000, 1000])
    .describe('Widths of the ReLU layers, each trained by its own local objective.'),
  goodness: z
    .enum(GOODNESS)
    .default('sum')
    .describe('Goodness of a layer: sum or mean of its squared activities.'),
  threshold: z
    .number()
    .positive()
    .optional()
    .describe(
      'θ in p(positive) = σ((g − θ)/temperature). Default: the layer width for sum goodness (Hinton), 1 for mean goodness.',
    ),
  temperature: rate(1, 'Scales the logits (g − θ) of the positive/negative decision.'),
  normalization: z
    .enum(NORMALIZATIONS)
    .default('rms')
    .describe(
      'Normalisation of every layer’s input (the image included): rms (unit mean square, Hinton’s code) or length (unit L2 norm).',
    ),
  labelPlacement: z
    .enum(['overwrite', 'append'])
    .default('overwrite')
    .describe(
      'supervised: where the label goes — over the first `outputs` features (Hinton; for images with blank borders) or as extra features after the input (any data).',
    ),
  labelStrength: rate(1, 'Value written into the label feature of the true (or negative) class.'),
  negatives: z
    .enum(NEGATIVES)
    .default('hard')
    .describe(
      'supervised negatives: hard (wrong labels drawn in proportion to the one-pass softmax’s beliefs, as Hinton) or random (uniform wrong label).',
    ),
  peerNormalization: z
    .number()
    .min(0)
    .default(0.03)
    .describe(
      'Hinton’s peer normalisation: pulls each unit’s running mean activity towards its layer’s average (revives dead units; 0 = off).',
    ),
  peerMomentum: fraction(0.9, 'Decay of the running mean activity used by peer normalisation.'),
  predict: z
    .enum(PREDICTIONS)
    .default('softmax')
    .describe(
      'Inference: softmax (one pass with the neutral label, linear softmax on normalised activities) or goodness (one pass per label, best summed goodness). Unsupervised always uses the readout.',
    ),
  readoutFrom: z
    .number()
    .int()
    .min(0)
    .optional()
    .describe(
      'First hidden layer (0-based) whose normalised activities feed the softmax readout. Default: 1 when there are ≥ 2 layers (Hinton skips the first), else 0.',
    ),
  goodnessFrom: z
    .number()
    .int()
    .min(0)
    .optional()
    .describe(
      'First hidden layer (0-based) whose goodness counts in goodness inference. Default as readoutFrom.',
    ),
  maskBlurs: z
    .number()
    .int()
    .min(0)
    .max(100)
    .default(6)
    .describe(
      'unsupervised: times the random mask is blurred with [¼, ½, ¼] in both directions before thresholding at ½.',
    ),
  shift: z
    .number()
    .int()
    .min(0)
    .max(8)
    .default(0)
    .describe(
      'Training augmentation: each image moved by a random whole-pixel offset in [−shift, shift]² (zero-filled; needs an image shape). 0 = off.',
    ),
  imageShape: z
    .tuple([z.number().int().positive(), z.number().int().positive()])
    .optional()
    .describe(
      '[height, width] of the input image for hybrid negatives and shifts (default: from the task, or square).',
    ),
  threads: z
    .union([z.literal('auto'), z.number().int().min(1).max(64)])
    .default(1)
    .describe(
      "Threads a training batch is split over (data parallel; Node only, CPU backends). 'auto': one per core on wasm/cpu, 1 elsewhere. Pays off with large batches on real cores (see the README).",
    ),
  ...optimizerConfigShape,
  optimizer: optimizerConfigShape.optimizer.describe(
    'Optimiser of each layer and of the readout (one instance each): adam, sgd, momentum or adabelief.',
  ),
  learningRate: optimizerConfigShape.learningRate.describe(
    'Learning rate of the layers; the trainer’s learningRate and schedule set it per epoch.',
  ),
  layerLearningRates: z
    .array(z.number().positive())
    .optional()
    .describe('Per-layer multipliers of the learning rate (one per hidden layer; default all 1).'),
  readoutLearningRate: rate(
    1e-3,
    'Learning rate of the softmax readout (scaled by the schedule like the layers).',
  ),
  weightDecay: weightDecaySchema.describe('Decoupled weight decay on layer weights (not biases).'),
  readoutWeightDecay: weightDecaySchema.describe('Decoupled weight decay on readout weights.'),
});

export type ForwardForwardConfig = z.output<typeof forwardForwardConfigSchema>;
/** What a user may write: every field optional. */
export type ForwardForwardConfigInput = z.input<typeof forwardForwardConfigSchema>;
