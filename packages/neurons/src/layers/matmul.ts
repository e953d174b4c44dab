import * as tf from '@tensorflow/tfjs-core';
import { timesTranspose, transposeTimes } from '@plasticity/core-tensors';

/**
 * `a·b` for `a [M, K]`, `b [K, N]` with a hand-written gradient of untransposed matmuls
 * (`transposeTimes`, `timesTranspose`): tfjs' own BatchMatMul gradient uses transpose flags,
 * which the wasm backend runs an order of magnitude slower.
 */
export function matMulPlain(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, w] = args as [tf.Tensor2D, tf.Tensor2D];
    const save = args[2] as tf.GradSaveFunc;
    save([x, w]);
    return {
      value: tf.matMul(x, w),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, ws] = saved as [tf.Tensor2D, tf.Tensor2D];
        return [timesTranspose(dy as tf.Tensor2D, ws), transposeTimes(xs, dy as tf.Tensor2D)];
      },
    };
  });
  return op(a, b) as tf.Tensor2D;
}

/** `x [T, B, in] · kernel [in, out]` as one `[T·B, in] × [in, out]` matmul → `[T, B, out]`. */
export function timeDistributedMatMul(x: tf.Tensor3D, kernel: tf.Tensor2D): tf.Tensor3D {
  const [steps, batch, inputs] = x.shape;
  return tf.reshape(matMulPlain(tf.reshape(x, [steps * batch, inputs]), kernel), [
    steps,
    batch,
    kernel.shape[1],
  ]);
}
