import { z } from 'zod';
import { optimizerConfigShape, weightDecaySchema } from '@plasticity/core-tensors';

export const NETWORKS = ['feedforward', 'recurrent'] as const;
export const SOLVERS = ['dynamics', 'energy'] as const;
export const FEEDBACKS = ['inversion', 'linear'] as const;
export const ACTIVATIONS = ['tanh', 'sigmoid', 'relu', 'linear'] as const;
export const INITS = ['glorot-uniform', 'torch'] as const;
export const STATE_INITS = ['free', 'zero'] as const;
export const ENERGY_OPTIMIZERS = ['adam', 'gd'] as const;

export type NetworkKind = (typeof NETWORKS)[number];
export type SolverKind = (typeof SOLVERS)[number];
export type FeedbackKind = (typeof FEEDBACKS)[number];
export type ActivationName = (typeof ACTIVATIONS)[number];
export type InitName = (typeof INITS)[number];

const positive = (fallback: number, what: string) => z.number().positive().default(fallback).describe(what);

const linearFeedbackSchema = z.strictObject({
  learningRate: z
    .number()
    .min(0)
    .default(0.1)
    .describe('Step of the feedback weights Q per batch (0 keeps Q fixed: random feedback).'),
  noise: positive(
    0.1,
    'σ: scale of the Ornstein–Uhlenbeck noise injected into the hidden state while Q learns.',
  ),
  noiseTau: positive(
    5,
    'Correlation time of that noise in iterations (white noise would not correlate with the controller’s delayed reply).',
  ),
  steps: z
    .number()
    .int()
    .min(0)
    .max(100_000)
    .default(20)
    .describe('Noisy iterations after each equilibrium from which Q learns (0 = Q never learns).'),
  decay: z.number().min(0).default(0.01).describe('Weight decay of Q (wd_Q in the paper’s code).'),
  initScale: positive(1, 'Q starts as normal(0, initScale/√outputs) per entry.'),
  modulate: z
    .boolean()
    .default(true)
    .describe(
      'Weight updates use e*⊙φ′(v*) instead of e* (as the reference code does for linear feedback: Q u carries no per-sample derivative).',
    ),
});
export type LinearFeedbackConfig = z.output<typeof linearFeedbackSchema>;

/**
 * Least-control config. Every field has a default (`{}` is valid); unknown keys are errors.
 * Time constants are in units of the solver's step `dt`; the output loss L is the batch-mean
 * softmax cross-entropy (mean squared error for regression), as in the paper's code, so the
 * per-sample control is about −∇ℓ/(α·batchSize).
 */
export const leastControlConfigSchema = z.strictObject({
  network: z
    .enum(NETWORKS)
    .default('feedforward')
    .describe(
      'feedforward: hidden layers in a chain, v_k = W_k φ(v_k−1) + b_k (free state = forward pass); recurrent: each hidden layer also feeds itself, v_k = … + R_k φ(v_k) (free state = fixed point).',
    ),
  hidden: z
    .array(z.number().int().positive().max(100_000))
    .min(1)
    .default([256])
    .describe('Hidden layer widths from input to output, e.g. [256] or [256, 256].'),
  activation: z
    .enum(ACTIVATIONS)
    .default('tanh')
    .describe(`Nonlinearity φ: ${ACTIVATIONS.join(', ')}.`),
  init: z
    .enum(INITS)
    .default('glorot-uniform')
    .describe(
      'Kernel init: glorot-uniform (biases 0) or torch (PyTorch nn.Linear: kernels and biases uniform ±1/√fanIn).',
    ),
  recurrentRadius: z
    .number()
    .min(0)
    .default(0.5)
    .describe(
      'Recurrent kernels start uniform with about this spectral radius (< 1 keeps the free dynamics contracting).',
    ),
  solver: z
    .enum(SOLVERS)
    .default('dynamics')
    .describe(
      'dynamics: simulate the controlled network (integral controller u, feedback e) to equilibrium; energy: minimise ½‖v − f(x,v)‖² + ½‖v_pred − dec(v)‖² + L/α over the states.',
    ),
  feedback: z
    .enum(FEEDBACKS)
    .default('inversion')
    .describe(
      'How the dynamics solver feeds the control to the hidden layers: inversion (dynamic inversion, τe ė = (∂(f−v)/∂v)ᵀe + (∂dec/∂v)ᵀu) or linear (e = Q u, Q learned from noise).',
    ),
  alpha: positive(0.1, 'α: leak of the integral controller, τu u̇ = −∇L − αu (smaller: stronger control).'),
  dt: positive(1, 'Euler step of the dynamics solver.'),
  tauV: positive(1, 'τv: time constant of the network (and output) state.'),
  tauU: positive(
    1,
    'τu: time constant of the integral controller; dt/τu·α = 1 (τu = α·dt) jumps u to −∇L/α each step, which converges fastest where the batch is large enough.',
  ),
  tauE: positive(1, 'τe: time constant of the dynamic-inversion feedback.'),
  stateInit: z
    .enum(STATE_INITS)
    .default('free')
    .describe(
      'Where the controlled states start: at the free equilibrium (u = e = 0), or at zero (paper’s code).',
    ),
  maxIterations: z
    .number()
    .int()
    .positive()
    .max(1_000_000)
    .default(200)
    .describe('Most solver iterations per batch (also for the recurrent free equilibrium).'),
  tolerance: z
    .number()
    .min(0)
    .default(1e-4)
    .describe(
      'A sample has converged when one iteration changes its control (u, e) by at most this, relative to its size (‖Δ‖/‖·‖); the solver stops when all have.',
    ),
  checkEvery: z
    .number()
    .int()
    .positive()
    .max(100_000)
    .default(10)
    .describe(
      'Test convergence and divergence every this many iterations (each test reads a few numbers back).',
    ),
  divergenceBound: positive(
    1e4,
    'A state whose mean |value| exceeds this (or is not finite) has diverged: the step stops with E_DIVERGED.',
  ),
  energyOptimizer: z
    .enum(ENERGY_OPTIMIZERS)
    .default('adam')
    .describe('Energy solver: adam (paper) or gd (plain gradient descent) on the states.'),
  energyLearningRate: positive(0.01, 'Energy solver: step size on the states (paper: Adam 0.01).'),
  linearFeedback: linearFeedbackSchema
    .default(linearFeedbackSchema.parse({}))
    .describe('feedback: linear settings.'),
  ...optimizerConfigShape,
  weightDecay: weightDecaySchema.describe('Decoupled weight decay on kernels, not biases (0 = off).'),
  clipNorm: z
    .number()
    .positive()
    .optional()
    .describe(
      'Scale the update down to this global L2 norm when it is larger (paper’s recurrent runs: 10). Off when absent.',
    ),
});

export type LeastControlConfig = z.output<typeof leastControlConfigSchema>;
/** What a user may write: every field optional. */
export type LeastControlConfigInput = z.input<typeof leastControlConfigSchema>;
