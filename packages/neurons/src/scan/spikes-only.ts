import * as tf from '@tensorflow/tfjs-core';

/**
 * Runs a scan kernel (outputs [spikes, v]) for its spikes alone, with the gradient kernel fed
 * no `dV`. Through the registered two-output gradient, tfjs would hand the gradient kernel a
 * zero-filled `dV` the size of the whole run, made on the host and copied in (40 ms per step of
 * a 25 × 128 × 1000 layer on wasm) for a voltage no loss reads.
 */
export function scanSpikesOnly(
  scan: string,
  grad: string,
  currents: tf.Tensor,
  attrs: tf.NamedAttrMap,
): tf.Tensor {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, save] = args as [tf.Tensor, tf.GradSaveFunc];
    const [spikes, v] = tf.engine().runKernel(scan, { currents: input }, attrs) as tf.Tensor[];
    save([spikes, v]);
    v.dispose(); // the saved copy shares or owns its data; this handle is not returned
    return {
      value: spikes,
      gradFunc: (dSpikes: tf.Tensor, saved: tf.Tensor[]) => {
        const [savedSpikes, savedV] = saved;
        return tf.engine().runKernel(grad, { dSpikes, spikes: savedSpikes, v: savedV }, attrs) as tf.Tensor;
      },
    };
  });
  return op(currents);
}
