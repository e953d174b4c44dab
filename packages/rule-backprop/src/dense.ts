import * as tf from '@tensorflow/tfjs-core';
import { columnSums, timesTranspose, transposeTimes } from '@plasticity/core-tensors';

export interface DenseOptions {
  /** ReLU after the bias (fused into the forward matmul). */
  readonly relu: boolean;
  /**
   * Whether `x` gets a gradient (default true). Turn it off where `x` is data: the input
   * gradient is a product as large as the weight gradient (a ninth of an MLP step on wasm).
   */
  readonly inputGradient?: boolean;
}

/**
 * `act(x·W + b)` for `x [B, in]`, `W [in, out]`, `b [out]`, act ∈ {linear, relu}, with a
 * hand-written gradient. Why: tfjs' registered BatchMatMul gradient multiplies with transpose
 * flags, which the wasm backend runs ~12× slower than a plain matmul (measured in tfjs 4.22:
 * 2.2 vs 29 GFLOP/s at 128×784×800), and wasm's fused matmul gives wrong values with
 * `transposeB` + bias. Here every matmul is untransposed (core-tensors' `transposeTimes`,
 * `timesTranspose`), and the bias gradient is a matrix-vector product (`columnSums`).
 */
export function dense(
  x: tf.Tensor2D,
  kernel: tf.Tensor2D,
  bias: tf.Tensor1D,
  options: DenseOptions,
): tf.Tensor2D {
  const { relu, inputGradient = true } = options;
  const forward = (input: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D) =>
    tf.fused.matMul({ a: input, b: w, bias: b, activation: relu ? 'relu' : 'linear' });
  const upstream = (dy: tf.Tensor, y: tf.Tensor2D) => (relu ? tf.mul(dy, tf.step(y)) : dy) as tf.Tensor2D;
  if (!inputGradient) {
    // x stays outside the differentiated arguments, so no gradient is computed for it.
    const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const [w, b] = args as [tf.Tensor2D, tf.Tensor1D];
      const save = args[2] as tf.GradSaveFunc;
      const y = forward(x, w, b);
      save([y]);
      return {
        value: y,
        gradFunc: (dy: tf.Tensor, [ys]: tf.Tensor[]) => {
          const g = upstream(dy, ys as tf.Tensor2D);
          return [transposeTimes(x, g), columnSums(g)];
        },
      };
    });
    return op(kernel, bias) as tf.Tensor2D;
  }
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, w, b] = args as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D];
    const save = args[3] as tf.GradSaveFunc;
    const y = forward(input, w, b);
    save([input, w, y]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, ws, ys] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
        const g = upstream(dy, ys);
        return [timesTranspose(g, ws), transposeTimes(xs, g), columnSums(g)];
      },
    };
  });
  return op(x, kernel, bias) as tf.Tensor2D;
}
