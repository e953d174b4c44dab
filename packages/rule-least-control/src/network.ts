import * as tf from '@tensorflow/tfjs-core';
import { glorotUniform, uniformTensor, paramName } from '@plasticity/core-tensors';
import type { Rng } from '@plasticity/core-tensors';
import type { ActivationName, InitName } from './config.js';

/** Layer widths and wiring of an equilibrium network. */
export interface NetworkSpec {
  readonly inputs: number;
  /** Hidden layer widths; the state v holds one `[B, width]` block per layer. */
  readonly hidden: readonly number[];
  readonly outputs: number;
  /** Each hidden layer also receives its own activity through a recurrent kernel. */
  readonly recurrent: boolean;
  readonly activation: ActivationName;
}

// Kernels are `[in, out]` (the tfjs layout, as in rule-backprop): layer k < L drives hidden
// layer k, layer L (= hidden.length) is the decoder.
export const feedbackName = (layer: number): string => `feedback.${layer}`;

/** φ(v). */
export function activate(name: ActivationName, v: tf.Tensor): tf.Tensor {
  switch (name) {
    case 'tanh':
      return tf.tanh(v);
    case 'sigmoid':
      return tf.sigmoid(v);
    case 'relu':
      return tf.relu(v);
    case 'linear':
      // A new tensor all the same: solver states must not hold one tensor twice.
      return tf.clone(v);
  }
}

/** φ′(v) from v and h = φ(v); undefined where it is 1 everywhere (linear), saving the product. */
export function derivative(name: ActivationName, v: tf.Tensor, h: tf.Tensor): tf.Tensor | undefined {
  switch (name) {
    case 'tanh':
      return tf.sub(1, tf.square(h));
    case 'sigmoid':
      return tf.mul(h, tf.sub(1, h));
    case 'relu':
      return tf.step(v);
    case 'linear':
      return undefined;
  }
}

/** `a ⊙ b`, where an undefined `a` stands for ones. */
export const modulate = (a: tf.Tensor | undefined, b: tf.Tensor): tf.Tensor => (a ? tf.mul(a, b) : b);

/** Variables of a network: kernels, biases, recurrent kernels; drawn on the host from `rng`. */
export function createNetworkParams(
  spec: NetworkSpec,
  init: InitName,
  recurrentRadius: number,
  rng: Rng,
): Record<string, tf.Variable> {
  const sizes = [spec.inputs, ...spec.hidden, spec.outputs];
  const params: Record<string, tf.Variable> = {};
  for (let layer = 0; layer + 1 < sizes.length; layer++) {
    const [fanIn, fanOut] = [sizes[layer], sizes[layer + 1]];
    const [kernelRng, biasRng] = [rng.fork(paramName(layer, 'kernel')), rng.fork(paramName(layer, 'bias'))];
    const torch = 1 / Math.sqrt(fanIn);
    params[paramName(layer, 'kernel')] = tf.tidy(() =>
      tf.variable(
        init === 'torch'
          ? uniformTensor(kernelRng, [fanIn, fanOut], -torch, torch)
          : glorotUniform(kernelRng, [fanIn, fanOut]),
      ),
    );
    params[paramName(layer, 'bias')] = tf.tidy(() =>
      tf.variable(init === 'torch' ? uniformTensor(biasRng, [fanOut], -torch, torch) : tf.zeros([fanOut])),
    );
  }
  if (spec.recurrent) {
    spec.hidden.forEach((size, layer) => {
      // Uniform entries with variance r²/n give a spectral radius of about r.
      const limit = recurrentRadius * Math.sqrt(3 / size);
      params[paramName(layer, 'recurrent')] = tf.tidy(() =>
        tf.variable(uniformTensor(rng.fork(paramName(layer, 'recurrent')), [size, size], -limit, limit)),
      );
    });
  }
  return params;
}

/**
 * The network's weights for one batch, with the transposed copies that the feedback paths
 * multiply with (an explicit transpose once per batch: wasm runs `transposeB` matmuls ~12×
 * slower). Owns the transposes only; `dispose` frees them.
 */
export class BoundNetwork {
  readonly layers: number;
  private readonly kernels: tf.Tensor2D[];
  private readonly biases: tf.Tensor1D[];
  private readonly recurrent: tf.Tensor2D[];
  /** Transposes, made on first use (a forward pass needs none) and kept out of any tidy scope. */
  private readonly kernelsT: (tf.Tensor2D | undefined)[] = [];
  private readonly recurrentT: (tf.Tensor2D | undefined)[] = [];

  constructor(
    readonly spec: NetworkSpec,
    params: Readonly<Record<string, tf.Tensor>>,
  ) {
    this.layers = spec.hidden.length;
    const L = this.layers;
    this.kernels = Array.from({ length: L + 1 }, (_, k) => params[paramName(k, 'kernel')] as tf.Tensor2D);
    this.biases = Array.from({ length: L + 1 }, (_, k) => params[paramName(k, 'bias')] as tf.Tensor1D);
    this.recurrent = spec.recurrent
      ? Array.from({ length: L }, (_, k) => params[paramName(k, 'recurrent')] as tf.Tensor2D)
      : [];
  }

  private kernelT(k: number): tf.Tensor2D {
    return (this.kernelsT[k] ??= tf.keep(tf.transpose(this.kernels[k])));
  }

  private recurrentTransposed(k: number): tf.Tensor2D {
    return (this.recurrentT[k] ??= tf.keep(tf.transpose(this.recurrent[k])));
  }

  /** Input drive of the first layer, `x W₀ + b₀` (constant during a solve). */
  encode(x: tf.Tensor2D): tf.Tensor2D {
    return tf.fused.matMul({ a: x, b: this.kernels[0], bias: this.biases[0] }) as tf.Tensor2D;
  }

  /** The feed-forward part of f_k for k ≥ 1: φ(v_{k−1}) W_k + b_k. */
  chain(k: number, h: readonly tf.Tensor[]): tf.Tensor2D {
    return tf.fused.matMul({
      a: h[k - 1] as tf.Tensor2D,
      b: this.kernels[k],
      bias: this.biases[k],
    }) as tf.Tensor2D;
  }

  /** f_k(x, v): what hidden layer k settles to without control, given `a` = encode(x) and h = φ(v). */
  drive(k: number, a: tf.Tensor, h: readonly tf.Tensor[]): tf.Tensor2D {
    let f: tf.Tensor2D = k === 0 ? (a as tf.Tensor2D) : this.chain(k, h);
    if (this.spec.recurrent) f = tf.add(f, tf.matMul(h[k] as tf.Tensor2D, this.recurrent[k]));
    return f;
  }

  /** dec(v) = φ(v_L) D + b_D from the last layer's activity. */
  decode(hLast: tf.Tensor): tf.Tensor2D {
    const L = this.layers;
    return tf.fused.matMul({
      a: hLast as tf.Tensor2D,
      b: this.kernels[L],
      bias: this.biases[L],
    }) as tf.Tensor2D;
  }

  /**
   * The vector–Jacobian product reaching hidden layer k: φ′(v_k) ⊙ (next W_{k+1}ᵀ + e_k R_kᵀ),
   * where `next` is e_{k+1}, or u for the last layer (the decoder's Jacobian). With e = the
   * network's residuals this is (∂f/∂v)ᵀe + (∂dec/∂v)ᵀu restricted to layer k.
   */
  back(k: number, d: tf.Tensor | undefined, next: tf.Tensor, own: tf.Tensor | undefined): tf.Tensor {
    let sum: tf.Tensor = tf.matMul(next as tf.Tensor2D, this.kernelT(k + 1));
    if (this.spec.recurrent && own)
      sum = tf.add(sum, tf.matMul(own as tf.Tensor2D, this.recurrentTransposed(k)));
    return modulate(d, sum);
  }

  dispose(): void {
    for (const t of this.kernelsT) t?.dispose();
    for (const t of this.recurrentT) t?.dispose();
  }
}

/**
 * The free feed-forward pass from `a` = encode(x): exact free equilibrium of a feed-forward
 * network, and the starting point of a recurrent one's fixed-point iteration (recurrence off).
 */
export function forwardPass(net: BoundNetwork, a: tf.Tensor2D): { v: tf.Tensor[]; h: tf.Tensor[] } {
  const { activation, recurrent } = net.spec;
  const v: tf.Tensor[] = [];
  const h: tf.Tensor[] = [];
  for (let k = 0; k < net.layers; k++) {
    // The recurrent term needs φ(v_k) itself: left out here, the fixed-point iteration adds it.
    v.push(k === 0 ? a : recurrent ? net.chain(k, h) : net.drive(k, a, h));
    h.push(activate(activation, v[k]));
  }
  return { v, h };
}
